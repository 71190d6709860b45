import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import type { Hook, HookContext } from '../../src/hooks/Hook.js';
import { ShuffledBatches } from '../../src/train/data.js';
import { Trainer } from '../../src/train/Trainer.js';
import { recordingHook } from '../hooks/recordingHook.js';
import { tinyProblem, type TinyProblem } from './tinyProblem.js';

describe(Trainer, () => {
  let problem: TinyProblem;
  let before: number;

  beforeEach(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
    problem = tinyProblem();
  });

  afterEach(() => {
    problem.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  function trainer(hooks: Hook[], optimizer: tf.Optimizer, maxIter: number = 3): Trainer<{ xs: tf.Tensor; ys: tf.Tensor }> {
    return new Trainer({
      data: new ShuffledBatches({ xs: problem.xs, ys: problem.ys, batchSize: 4, seed: 1 }),
      loss: problem.loss,
      variables: [problem.w, problem.b],
      optimizer,
      hooks,
      maxIter,
    });
  }

  describe('having two recording hooks and startIter 1, maxIter 3', () => {
    it('should call beforeTrain once, then beforeStep/afterStep per iteration in order, then afterTrain', async () => {
      const log: string[] = [];
      const optimizer: tf.Optimizer = tf.train.sgd(0.1);
      const run = trainer([recordingHook('a', log), recordingHook('b', log)], optimizer);
      run.startIter = 1;
      await run.train();
      optimizer.dispose();
      expect(log).toEqual([
        'a:beforeTrain:1',
        'b:beforeTrain:1',
        'a:beforeStep:1',
        'b:beforeStep:1',
        'a:afterStep:1',
        'b:afterStep:1',
        'a:beforeStep:2',
        'b:beforeStep:2',
        'a:afterStep:2',
        'b:afterStep:2',
        'a:afterTrain:3',
        'b:afterTrain:3',
      ]);
    });
  });

  describe('when training runs', () => {
    it('should give afterStep the step loss (the MSE before the update) and record data_time', async () => {
      const losses: number[] = [];
      let dataTime: number | undefined;
      const reader: Hook = {
        async afterStep(ctx: HookContext): Promise<void> {
          losses.push((await ctx.loss!.data())[0]!);
          dataTime = ctx.storage.latest('data_time');
        },
      };
      const data = new ShuffledBatches({ xs: problem.xs, ys: problem.ys, batchSize: 4, seed: 1 });
      const first = data.batch(0);
      // The first loss is the MSE of the initial weights on batch 0, computed independently here.
      const expected: number = tf.tidy(
        () => tf.losses.meanSquaredError(first.ys, first.xs.matMul(problem.w).add(problem.b)).dataSync()[0]!,
      );
      tf.dispose([first.xs, first.ys]);
      const optimizer: tf.Optimizer = tf.train.sgd(0.1);
      await trainer([reader], optimizer, 1).train();
      optimizer.dispose();
      expect(losses).toHaveLength(1);
      expect(losses[0]).toBeCloseTo(expected, 6);
      expect(dataTime).toBeGreaterThanOrEqual(0);
    });
  });

  describe('when a step throws', () => {
    it('should still run afterTrain with the failed iteration, and the error should reach the caller', async () => {
      const log: string[] = [];
      const optimizer: tf.Optimizer = tf.train.sgd(0.1);
      const broken = new Trainer({
        data: {
          batch: (i: number) => {
            if (i === 1) throw new Error('bad batch 1');
            return { xs: problem.xs.clone(), ys: problem.ys.clone() };
          },
        },
        loss: problem.loss,
        optimizer,
        hooks: [recordingHook('a', log)],
        maxIter: 3,
      });
      await expect(broken.train()).rejects.toThrow('bad batch 1');
      optimizer.dispose();
      expect(log).toEqual(['a:beforeTrain:0', 'a:beforeStep:0', 'a:afterStep:0', 'a:beforeStep:1', 'a:afterTrain:1']);
    });
  });

  describe('when train() is called a second time after finishing', () => {
    it('should have moved startIter to maxIter and run no step again (hooks see 3..3)', async () => {
      const log: string[] = [];
      const optimizer: tf.Optimizer = tf.train.sgd(0.1);
      const run = trainer([recordingHook('a', log)], optimizer);
      await run.train();
      expect(run.startIter).toBe(3);
      const weights: number[] = Array.from(problem.w.dataSync());
      log.length = 0;
      await run.train();
      optimizer.dispose();
      expect(log).toEqual(['a:beforeTrain:3', 'a:afterTrain:3']);
      expect(Array.from(problem.w.dataSync())).toEqual(weights);
    });
  });

  describe('when train() is called again after a step failed at iteration 1', () => {
    it('should continue at iteration 1 (the first not completed), not redo iteration 0', async () => {
      const log: string[] = [];
      const optimizer: tf.Optimizer = tf.train.sgd(0.1);
      let failOnce: boolean = true;
      const flaky = new Trainer({
        data: {
          batch: (i: number) => {
            if (i === 1 && failOnce) {
              failOnce = false;
              throw new Error('bad batch 1');
            }
            return { xs: problem.xs.clone(), ys: problem.ys.clone() };
          },
        },
        loss: problem.loss,
        optimizer,
        hooks: [recordingHook('a', log)],
        maxIter: 3,
      });
      await expect(flaky.train()).rejects.toThrow('bad batch 1');
      expect(flaky.startIter).toBe(1);
      log.length = 0;
      await flaky.train();
      optimizer.dispose();
      expect(log.filter((line) => line.includes(':afterStep:'))).toEqual(['a:afterStep:1', 'a:afterStep:2']);
      expect(flaky.startIter).toBe(3);
    });
  });

  describe('when startIter is past maxIter', () => {
    it('should refuse with a message naming both', async () => {
      const optimizer: tf.Optimizer = tf.train.sgd(0.1);
      const run = trainer([], optimizer, 3);
      run.startIter = 4;
      await expect(run.train()).rejects.toThrow('startIter: got 4, expected an integer in [0, 3] (MAX_ITER)');
      optimizer.dispose();
    });
  });
});
