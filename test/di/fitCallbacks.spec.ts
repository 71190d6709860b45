import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { Container } from 'inversify';
import { createSolver, type Solver } from '../../src/di/Solver.js';
import { solverModule, TOKENS } from '../../src/di/solverModule.js';
import type { HookContext } from '../../src/hooks/Hook.js';
import { MemoryFileStore } from '../hooks/memoryFileStore.js';
import { smallConfig, smallData, smallModel } from './smallModel.js';

/** A tf.Callback subclass that counts batch ends. */
class CountingCallback extends tf.Callback {
  public batches: number = 0;

  public override async onBatchEnd(): Promise<void> {
    this.batches += 1;
    return Promise.resolve();
  }
}

// The user's callbacks run next to the solver's, in every form tfjs accepts (16 samples, batch 4:
// 4 batches per epoch). The solver's hooks see every iteration exactly once and stop fit at MAX_ITER.
describe('fit with the user callbacks', () => {
  let before: number;
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  let model: tf.Sequential;
  let solver: Solver;
  let files: MemoryFileStore;
  let iterations: number[];

  async function setUp(maxIter: number): Promise<void> {
    const container: Container = new Container();
    container.load(solverModule(smallConfig({ MAX_ITER: maxIter, STEPS: [maxIter - 1] })));
    container.bind(TOKENS.Model).toConstantValue(model);
    container.bind(TOKENS.FileStore).toConstantValue(files);
    container.bind(TOKENS.Hook).toConstantValue({
      afterStep: (ctx: HookContext): void => {
        iterations.push(ctx.iteration);
      },
    });
    solver = await createSolver(container);
    model.compile({ optimizer: solver.optimizer, loss: 'meanSquaredError' });
  }

  function metricsLines(): { iteration: number; total_loss?: number }[] {
    return files
      .text('out/metrics.json')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { iteration: number; total_loss?: number });
  }

  beforeEach(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
    data = smallData();
    model = smallModel();
    files = new MemoryFileStore();
    iterations = [];
    await setUp(8);
  });

  afterEach(() => {
    solver.optimizer.dispose();
    model.dispose();
    tf.dispose([data.xs, data.ys]);
    expect(tf.memory().numTensors).toBe(before);
  });

  const fitArgs = { epochs: 5, batchSize: 4, shuffle: false } as const;

  describe('having a plain { onBatchEnd } object', () => {
    it('should call it on each of the 8 batches and stop at MAX_ITER', async () => {
      const seen: number[] = [];
      await solver.fit(model, data.xs, data.ys, {
        ...fitArgs,
        callbacks: {
          onBatchEnd: (batch: number): void => {
            seen.push(batch);
          },
        },
      });
      expect(seen).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
      expect(iterations).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(solver.startIter).toBe(8);
    });
  });

  describe('having a mixed array: plain object, tf.CustomCallback, tf.Callback subclass', () => {
    it('should run each of them, and the solver hooks first with the device loss', async () => {
      const epochs: number[] = [];
      const custom: number[] = [];
      const counting: CountingCallback = new CountingCallback();
      await solver.fit(model, data.xs, data.ys, {
        ...fitArgs,
        callbacks: [
          {
            onEpochEnd: (epoch: number): void => {
              epochs.push(epoch);
            },
          },
          new tf.CustomCallback({
            onBatchEnd: (batch: number): void => {
              custom.push(batch);
            },
          }),
          counting,
        ],
      });
      expect(epochs).toEqual([0, 1]);
      expect(custom).toHaveLength(8);
      expect(counting.batches).toBe(8);
      expect(metricsLines().map((line) => [line.iteration, Number.isFinite(line.total_loss)])).toEqual([
        [3, true],
        [7, true],
      ]);
    });
  });

  describe('having tf.callbacks.earlyStopping that stops after the second epoch (MAX_ITER 20)', () => {
    it('should stop the run at iteration 8 and record it: position, checkpoint, metrics', async () => {
      solver.optimizer.dispose();
      iterations = [];
      await setUp(20);
      // patience 0 and a minDelta no loss can beat: epoch 0 sets the best, epoch 1 stops.
      const stop = tf.callbacks.earlyStopping({ monitor: 'loss', patience: 0, minDelta: 1e9 });
      await solver.fit(model, data.xs, data.ys, { ...fitArgs, callbacks: stop });
      expect(iterations).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(solver.startIter).toBe(8);
      expect(await files.list('out')).toContain('model_0000008.ckpt');
      expect(files.text('out/last_checkpoint').trim()).toBe('model_0000008.ckpt');
      expect(metricsLines().at(-1)?.iteration).toBe(7);
    });
  });

  describe('having fitDataset with a plain callback', () => {
    it('should call it and the hooks on every batch', async () => {
      const rows: tf.Tensor[] = [...tf.unstack(data.xs), ...tf.unstack(data.ys)];
      const dataset = tf.data.zip({ xs: tf.data.array(rows.slice(0, 16)), ys: tf.data.array(rows.slice(16)) }).batch(4);
      let batches: number = 0;
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- tfjs-layers types fitDataset with its own import of tfjs-data's Dataset class
      await solver.fitDataset(model, dataset, {
        epochs: 3,
        callbacks: {
          onBatchEnd: (): void => {
            batches += 1;
          },
        },
      });
      tf.dispose(rows);
      expect(batches).toBe(8);
      expect(iterations).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    });
  });

  for (const order of ['solver first', 'solver last'] as const) {
    describe(`having model.fit with [solver.callbacks(), { onEpochEnd }], ${order}`, () => {
      it('should run both and stop fit at MAX_ITER 8', async () => {
        const epochs: number[] = [];
        const mine: tf.CustomCallbackArgs = {
          onEpochEnd: (epoch: number): void => {
            epochs.push(epoch);
          },
        };
        const callbacks = order === 'solver first' ? [solver.callbacks(), mine] : [mine, solver.callbacks()];

        await model.fit(data.xs, data.ys, { ...fitArgs, callbacks: callbacks as tf.CustomCallbackArgs[] });
        expect(epochs).toEqual([0, 1]);
        expect(iterations).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        expect(solver.startIter).toBe(8);
        expect(metricsLines().map((line) => Number.isFinite(line.total_loss))).toEqual([true, true]);
      });
    });
  }

  describe('having a long fit (600 steps)', () => {
    it("should keep the fit scope's record of tensors bounded (disposed ones dropped)", async () => {
      solver.optimizer.dispose();
      iterations = [];
      await setUp(600);
      let largest: number = 0;
      solver.hooks.add({
        afterStep: (): void => {
          largest = Math.max(largest, tf.engine().state.activeScope.track.length);
        },
      });
      await solver.fit(model, data.xs, data.ys, { epochs: 150, batchSize: 4 });
      expect(iterations).toHaveLength(600);
      // Several tensors per step are made outside any tidy; without pruning this grows past 2800.
      expect(largest).toBeLessThan(600);
    });
  });

  describe('having epochs that cannot reach MAX_ITER 20 (1 epoch of 4 batches)', () => {
    it('should warn, stop at 4, and with repeatToMaxIter reach 20', async () => {
      solver.optimizer.dispose();
      const warnings: string[] = [];
      const container: Container = new Container();
      container.load(solverModule(smallConfig({ MAX_ITER: 20, STEPS: [19] })));
      container.bind(TOKENS.Model).toConstantValue(model);
      container.bind(TOKENS.FileStore).toConstantValue(files);
      container.rebind(TOKENS.Logger).toConstantValue({
        info: (): void => undefined,
        warn: (message: string): void => {
          warnings.push(message);
        },
      });
      solver = await createSolver(container);
      model.compile({ optimizer: solver.optimizer, loss: 'meanSquaredError' });
      await solver.fit(model, data.xs, data.ys, { epochs: 1, batchSize: 4 });
      expect(warnings).toEqual([
        'fit runs at most 4 iterations (epochs x batches per epoch): it stops at iteration 4, short of SOLVER.MAX_ITER 20; ' +
          'raise epochs or pass repeatToMaxIter: true',
        'training stopped at iteration 4, short of SOLVER.MAX_ITER 20; resume to continue',
      ]);
      expect(solver.startIter).toBe(4);
      await solver.fit(model, data.xs, data.ys, { epochs: 1, batchSize: 4, repeatToMaxIter: true });
      expect(warnings).toHaveLength(2);
      expect(solver.startIter).toBe(20);
      expect(await files.list('out')).toContain('model_final.ckpt');
    });
  });
});
