import type { NamedTensor } from './NamedTensor.js';
import type { CheckpointData } from './CheckpointData.js';
import type { CheckpointParts } from './CheckpointParts.js';
import type { EncodedTensor } from './EncodedTensor.js';
import { encodeTensors } from './encodeTensors.js';
import { renameByPrefix } from './renameByPrefix.js';

async function encodeOptimizer(parts: CheckpointParts): Promise<EncodedTensor[]> {
  if (parts.optimizer === undefined) return [];
  // The optimizer owns what getWeights returns (SolverOptimizer's contract, docs/optimizer.md).
  const weights: NamedTensor[] = await parts.optimizer.getWeights();
  const stableNames: Map<string, string> = new Map([...parts.model].map(([key, variable]) => [variable.name, key]));
  return encodeTensors(renameByPrefix(weights, stableNames));
}

/**
 * Reads the current state of every part into a {@link CheckpointData} (syncs with the device
 * once per tensor; call it between steps only).
 */
export async function captureCheckpoint(parts: CheckpointParts, iteration: number): Promise<CheckpointData> {
  const model: EncodedTensor[] = await encodeTensors([...parts.model].map(([name, tensor]) => ({ name, tensor })));
  return {
    iteration,
    model,
    optimizer: await encodeOptimizer(parts),
    scheduler: parts.scheduler === undefined ? null : parts.scheduler.state(),
    ema: parts.ema === undefined ? null : await encodeTensors(parts.ema.state()),
    config: parts.config ?? null,
  };
}
