import type { NamedTensor } from './NamedTensor.js';
import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../errors/SolverError.js';
import type { CheckpointData } from './CheckpointData.js';
import type { CheckpointParts } from './CheckpointParts.js';
import { decodeTensors } from './encodeTensors.js';
import { renameByPrefix } from './renameByPrefix.js';

function checkModelFits(parts: CheckpointParts, saved: readonly NamedTensor[], path: string): void {
  const savedByName: Map<string, tf.Tensor> = new Map(saved.map((t) => [t.name, t.tensor]));
  const missing: string[] = [...parts.model.keys()].filter((name) => !savedByName.has(name));
  const unexpected: string[] = [...savedByName.keys()].filter((name) => !parts.model.has(name));
  if (missing.length > 0 || unexpected.length > 0) {
    throw new SolverError(
      'state',
      `checkpoint ${path} does not fit the model: missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`,
    );
  }
  for (const [name, variable] of parts.model) {
    const tensor: tf.Tensor = savedByName.get(name) as tf.Tensor;
    if (!tf.util.arraysEqual(tensor.shape, variable.shape) || tensor.dtype !== variable.dtype) {
      throw new SolverError(
        'state',
        `checkpoint ${path}: ${name} is ${tensor.dtype}[${tensor.shape.join(', ')}], the model's is ${variable.dtype}[${variable.shape.join(', ')}]`,
      );
    }
  }
}

/**
 * Writes a verified checkpoint's state into the parts: scheduler state, optimizer slots, EMA,
 * and the model weights last. The model is checked first (names, shapes, dtypes), so a checkpoint
 * of another model changes nothing, and a scheduler or optimizer that refuses its state (another
 * `MAX_ITER`, other slots) stops the load before the model's weights are touched.
 * @throws SolverError kind `state` when the checkpoint does not fit the model or a part.
 */
export async function restoreCheckpoint(parts: CheckpointParts, data: CheckpointData, path: string): Promise<void> {
  const model: NamedTensor[] = decodeTensors(data.model);
  const optimizer: NamedTensor[] = decodeTensors(data.optimizer);
  const ema: NamedTensor[] = data.ema === null ? [] : decodeTensors(data.ema);
  try {
    checkModelFits(parts, model, path);
    // Most likely refusals first (another MAX_ITER, another model's slots), model weights last:
    // a refused checkpoint leaves the model as it was.
    if (parts.scheduler !== undefined && data.scheduler !== null) parts.scheduler.loadState(data.scheduler);
    if (parts.optimizer !== undefined && optimizer.length > 0) {
      const liveNames: Map<string, string> = new Map([...parts.model].map(([key, variable]) => [key, variable.name]));
      await parts.optimizer.setWeights(renameByPrefix(optimizer, liveNames));
    }
    if (parts.ema !== undefined && data.ema !== null) parts.ema.loadState(ema);
    for (const { name, tensor } of model) (parts.model.get(name) as tf.Variable).assign(tensor);
  } finally {
    tf.dispose([...model, ...optimizer, ...ema].map((t) => t.tensor));
  }
}
