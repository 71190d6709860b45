import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { Container } from 'inversify';
import { createSolver, type Solver } from '../../src/di/Solver.js';
import { solverModule, TOKENS } from '../../src/di/solverModule.js';
import type { HookContext } from '../../src/hooks/Hook.js';
import { ShuffledBatches } from '../../src/train/data.js';
import { FitCallback } from '../../src/train/FitCallback.js';
import { layersModelLoss } from '../../src/train/Trainer.js';
import { MemoryFileStore } from '../hooks/memoryFileStore.js';
import { smallConfig, smallData, smallModel } from './smallModel.js';

// The Solver's startIter follows every run, whichever loop ran it, so a second run continues
// the schedule instead of silently redoing iterations (smallConfig: MAX_ITER 8, 4 batches per epoch).
describe('Solver', () => {
  let before: number;
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  let model: tf.Sequential;
  let solver: Solver;
  let iterations: number[];

  beforeEach(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
    data = smallData();
    model = smallModel();
    const container: Container = new Container();
    container.load(solverModule(smallConfig()));
    container.bind(TOKENS.Model).toConstantValue(model);
    container.bind(TOKENS.FileStore).toConstantValue(new MemoryFileStore());
    iterations = [];
    container.bind(TOKENS.Hook).toConstantValue({
      afterStep: (ctx: HookContext): void => {
        iterations.push(ctx.iteration);
      },
    });
    solver = await createSolver(container);
    model.compile({ optimizer: solver.optimizer, loss: 'meanSquaredError' });
  });

  afterEach(() => {
    solver.optimizer.dispose();
    model.dispose();
    tf.dispose([data.xs, data.ys]);
    expect(tf.memory().numTensors).toBe(before);
  });

  describe('having fit stop after one epoch (4 of 8 iterations)', () => {
    describe('when fit is called again', () => {
      it('should continue at iteration 4 and stop at MAX_ITER', async () => {
        await solver.fit(model, data.xs, data.ys, { epochs: 1, batchSize: 4, shuffle: false });
        expect(solver.startIter).toBe(4);
        await solver.fit(model, data.xs, data.ys, { epochs: 5, batchSize: 4, shuffle: false });
        expect(iterations).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        expect(solver.startIter).toBe(8);
        expect(solver.optimizer.iterations).toBe(8);
      });
    });
  });

  describe('having its callbacks() passed to model.fit directly (the plugin call)', () => {
    describe('when a second fit asks for more after MAX_ITER was reached', () => {
      it('should refuse instead of redoing iterations 0..7', async () => {
        await model.fit(data.xs, data.ys, { epochs: 3, batchSize: 4, shuffle: false, callbacks: solver.callbacks() });
        expect(solver.startIter).toBe(8);
        const again: FitCallback = solver.callbacks();
        await expect(again.guard(model.fit(data.xs, data.ys, { epochs: 1, batchSize: 4, callbacks: again }))).rejects.toThrow(
          'nothing to train: start iteration 8 >= SOLVER.MAX_ITER 8',
        );
        expect(iterations).toHaveLength(8);
        expect(solver.optimizer.iterations).toBe(8);
      });
    });
  });

  describe('having trained to MAX_ITER with trainer().train()', () => {
    describe('when a new trainer() is made and trained', () => {
      it('should start it at 8 and run no step', async () => {
        const batches: ShuffledBatches = new ShuffledBatches({ xs: data.xs, ys: data.ys, batchSize: 4, seed: 3 });
        const loss = layersModelLoss(model, tf.losses.meanSquaredError);
        await solver.trainer(batches, loss).train();
        expect(solver.startIter).toBe(8);
        const second = solver.trainer(batches, loss);
        expect(second.startIter).toBe(8);
        await second.train();
        expect(iterations).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        expect(solver.optimizer.iterations).toBe(8);
      });
    });
  });
});
