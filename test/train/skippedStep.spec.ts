import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { Container } from 'inversify';
import { createSolver, type Solver } from '../../src/di/Solver.js';
import { solverModule, TOKENS } from '../../src/di/solverModule.js';
import type { HookContext } from '../../src/hooks/Hook.js';
import { layersModelLoss } from '../../src/train/Trainer.js';
import { smallConfig, smallData, smallModel } from '../di/smallModel.js';
import { MemoryFileStore } from '../hooks/memoryFileStore.js';

describe('a step with non-finite gradients (CLIP_GRADIENTS.NONFINITE skip)', () => {
  let before: number;

  beforeEach(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
  });

  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  it('should leave the weights untouched, still advance the LR schedule, and be counted in metrics.json', async () => {
    const data = smallData();
    const model: tf.Sequential = smallModel();
    const files: MemoryFileStore = new MemoryFileStore();
    const container: Container = new Container();
    container.load(
      solverModule(smallConfig({ CLIP_GRADIENTS: { ENABLED: true, CLIP_TYPE: 'full_model', CLIP_VALUE: 1, NONFINITE: 'skip' } })),
    );
    container.bind(TOKENS.Model).toConstantValue(model);
    container.bind(TOKENS.FileStore).toConstantValue(files);
    const kernels: number[][] = [];
    const lrs: number[] = [];
    container.bind(TOKENS.Hook).toConstantValue({
      afterStep: (ctx: HookContext): void => {
        kernels.push(Array.from(model.getWeights()[0]!.dataSync()));
        lrs.push(ctx.storage.latest('lr') ?? Number.NaN);
      },
    });
    const solver: Solver = await createSolver(container);
    // Iteration 2's batch holds a NaN input, so its gradients are NaN.
    const batches = {
      batch: (i: number) =>
        tf.tidy(() => ({
          xs: i === 2 ? data.xs.slice([0, 0], [4, 2]).mul(Number.NaN) : data.xs.slice([4 * (i % 4), 0], [4, 2]),
          ys: data.ys.slice([4 * (i % 4), 0], [4, 1]),
        })),
    };
    await solver.trainer(batches, layersModelLoss(model, tf.losses.meanSquaredError)).train();
    expect(kernels[2]).toEqual(kernels[1]);
    expect(kernels[3]).not.toEqual(kernels[2]);
    expect(kernels.flat().every(Number.isFinite)).toBe(true);
    // The schedule follows the iteration (SPEC §3.4): warmup over 2 iterations, then BASE_LR 0.05 until STEPS [6].
    expect(lrs.slice(0, 4)).toEqual([0.05 * 0.001, 0.05 * (0.001 + 0.999 * 0.5), 0.05, 0.05]);
    const lines = files
      .text('out/metrics.json')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { iteration: number; skipped_steps: number; total_loss?: number; grad_norm?: number });
    expect(lines.map((l) => [l.iteration, l.skipped_steps])).toEqual([
      [3, 1],
      [7, 0],
    ]);
    // The NaN step is left out of the window's means instead of turning them into null.
    expect(lines.every((l) => Number.isFinite(l.total_loss) && Number.isFinite(l.grad_norm))).toBe(true);
    solver.optimizer.dispose();
    model.dispose();
    tf.dispose([data.xs, data.ys]);
  });
});
