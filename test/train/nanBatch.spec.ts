import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { Container } from 'inversify';
import { createSolver, type Solver } from '../../src/di/Solver.js';
import { solverModule, TOKENS } from '../../src/di/solverModule.js';
import type { HookContext } from '../../src/hooks/Hook.js';
import type { WeightEma } from '../../src/hooks/WeightEma.js';
import { layersModelLoss } from '../../src/train/Trainer.js';
import { smallConfig, smallData, smallModel } from '../di/smallModel.js';
import { MemoryFileStore } from '../hooks/memoryFileStore.js';

// One NaN batch (iteration 1 of 4). The forward pass moves
// BatchNormalization's moving mean/variance to NaN before the optimizer skips the update; the
// whole model (trainable and not) must read after step 1 exactly as after step 0.
describe('a NaN batch (iteration 1 of 4)', () => {
  let before: number;
  let model: tf.Sequential;
  let solver: Solver;
  let files: MemoryFileStore;
  let container: Container;
  let xs: tf.Tensor2D;
  let ys: tf.Tensor2D;
  let states: Map<number, Float32Array[]>;

  beforeEach(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
    const data = smallData();
    // Rows 4..7 form batch 1 (batchSize 4, no shuffle); poison one of its inputs.
    const values: Float32Array = data.xs.dataSync().slice() as Float32Array;
    values[2 * 5] = Number.NaN;
    xs = tf.tensor2d(values, [16, 2]);
    ys = data.ys;
    data.xs.dispose();
    model = smallModel();
    files = new MemoryFileStore();
    container = new Container();
    container.load(solverModule(smallConfig({ MAX_ITER: 4, STEPS: [3] }, { EMA_ENABLED: true, LOG_PERIOD: 4 })));
    container.bind(TOKENS.Model).toConstantValue(model);
    container.bind(TOKENS.FileStore).toConstantValue(files);
    states = new Map();
    container.bind(TOKENS.Hook).toConstantValue({
      afterStep: async (ctx: HookContext): Promise<void> => {
        // Copies: on cpu the fused update kernels write a variable's buffer in place.
        states.set(ctx.iteration, await Promise.all(model.weights.map(async (w) => Float32Array.from(await w.read().data()))));
      },
    });
    solver = await createSolver(container);
    model.compile({ optimizer: solver.optimizer, loss: 'meanSquaredError' });
  });

  afterEach(() => {
    container.get<WeightEma>(TOKENS.WeightEma).dispose();
    solver.optimizer.dispose();
    model.dispose();
    tf.dispose([xs, ys]);
    expect(tf.memory().numTensors).toBe(before);
  });

  async function expectStateKept(): Promise<void> {
    const names: string[] = model.weights.map((w) => w.originalName);
    expect(names).toContain('bn/moving_mean');
    const after0: Float32Array[] = states.get(0) ?? [];
    const after1: Float32Array[] = states.get(1) ?? [];
    names.forEach((name, i) => {
      expect([name, Array.from(after1[i] ?? [])]).toEqual([name, Array.from(after0[i] ?? [])]);
    });
    // Steps 2 and 3 trained on: the state moved and stayed finite.
    const last: Float32Array[] = states.get(3) ?? [];
    expect(last.every((values) => values.every(Number.isFinite))).toBe(true);
    expect(Array.from(last[0] ?? [])).not.toEqual(Array.from(after0[0] ?? []));
    // The EMA never absorbed NaN; metrics.json counted the skipped step.
    const ema: WeightEma = container.get<WeightEma>(TOKENS.WeightEma);
    for (const { tensor } of ema.state()) expect((await tensor.data()).every(Number.isFinite)).toBe(true);
    const line = JSON.parse(files.text('out/metrics.json').trim()) as { iteration: number; skipped_steps: number };
    expect(line).toMatchObject({ iteration: 3, skipped_steps: 1 });
  }

  describe('under NONFINITE: skip (the default), through solver.fit', () => {
    it('should leave every weight, BatchNorm statistics included, as it was and count the skip', async () => {
      await solver.fit(model, xs, ys, { epochs: 1, batchSize: 4, shuffle: false });
      await expectStateKept();
    });
  });

  describe('under NONFINITE: error, through solver.fit', () => {
    it('should refuse the step and leave every weight, BatchNorm statistics included, as after step 0', async () => {
      container.get<WeightEma>(TOKENS.WeightEma).dispose();
      solver.optimizer.dispose();
      container = new Container();
      container.load(
        solverModule(
          smallConfig({ MAX_ITER: 4, STEPS: [3], CLIP_GRADIENTS: { NONFINITE: 'error' } }, { EMA_ENABLED: true, LOG_PERIOD: 4 }),
        ),
      );
      container.bind(TOKENS.Model).toConstantValue(model);
      container.bind(TOKENS.FileStore).toConstantValue(files);
      solver = await createSolver(container);
      model.compile({ optimizer: solver.optimizer, loss: 'meanSquaredError' });
      const after0: Float32Array[] = [];
      solver.hooks.add({
        afterStep: async (ctx: HookContext): Promise<void> => {
          if (ctx.iteration === 0) for (const w of model.weights) after0.push(Float32Array.from(await w.read().data()));
        },
      });
      await expect(solver.fit(model, xs, ys, { epochs: 1, batchSize: 4, shuffle: false })).rejects.toThrow('is not finite');
      const now: Float32Array[] = await Promise.all(model.weights.map(async (w) => Float32Array.from(await w.read().data())));
      model.weights.forEach((w, i) => {
        expect([w.originalName, Array.from(now[i] ?? [])]).toEqual([w.originalName, Array.from(after0[i] ?? [])]);
      });
    });
  });

  describe('under NONFINITE: skip (the default), through the Trainer', () => {
    it('should leave every weight, BatchNorm statistics included, as it was and count the skip', async () => {
      const data = {
        batch: (i: number) => ({ xs: tf.slice(xs, [4 * i, 0], [4, 2]), ys: tf.slice(ys, [4 * i, 0], [4, 1]) }),
      };
      await solver.trainer(data, layersModelLoss(model, tf.losses.meanSquaredError)).train();
      await expectStateKept();
    });
  });
});
