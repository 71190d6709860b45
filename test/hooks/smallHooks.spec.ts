import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { Checkpointer, PeriodicCheckpointer } from '../../src/hooks/Checkpointer.js';
import type { HookContext } from '../../src/hooks/Hook.js';
import { LrSchedulerHook } from '../../src/hooks/LrSchedulerHook.js';
import { EventStorage, IterationTimer, pickReportedGroup } from '../../src/hooks/metrics.js';
import { WeightEma } from '../../src/hooks/WeightEma.js';
import { LrMultiplier } from '../../src/sched/lrScheduler.js';
import { linearScheduler } from '../../src/sched/schedulers.js';
import { MemoryFileStore } from './memoryFileStore.js';

function context(iteration: number, startIter: number = 0, maxIter: number = 10): HookContext {
  return { iteration, startIter, maxIter, loss: null, storage: new EventStorage() };
}

describe(LrSchedulerHook, () => {
  describe('having a linear 1 → 0 schedule over 10 iterations and base LRs [0.2, 0.4]', () => {
    it('should apply iteration 0 LRs before training and record the LR each step used, then step', () => {
      const written: number[][] = [];
      const target = {
        baseLearningRates: [0.2, 0.4],
        setLearningRates: (lrs: readonly number[]) => {
          written.push([...lrs]);
        },
      };
      const scheduler: LrMultiplier = new LrMultiplier(target, linearScheduler({ startValue: 1, endValue: 0 }), 10);
      const hook: LrSchedulerHook = new LrSchedulerHook(scheduler, 1);
      const ctx: HookContext = context(0);
      hook.beforeTrain(ctx);
      expect(written).toEqual([[0.2, 0.4]]);
      hook.afterStep(ctx);
      // Group 1 at iteration 0: 0.4 × (1 − 0/10); after stepping, iteration 1: [0.2, 0.4] × 0.9.
      expect(ctx.storage.latest('lr')).toBe(0.4);
      expect(written[1]![0]).toBeCloseTo(0.18, 12);
      expect(written[1]![1]).toBeCloseTo(0.36, 12);
    });
  });

  describe('when the scheduler is not at the start iteration (a resume that forgot its state)', () => {
    it('should refuse to train with a state error naming both iterations', () => {
      const target = { baseLearningRates: [0.1], setLearningRates: (): void => undefined };
      const hook: LrSchedulerHook = new LrSchedulerHook(new LrMultiplier(target, linearScheduler({ startValue: 1, endValue: 0 }), 10));
      expect(() => {
        hook.beforeTrain(context(4, 4));
      }).toThrow('LR scheduler is at iteration 0 but training starts at 4; load the scheduler state with the checkpoint');
    });
  });
});

describe(pickReportedGroup, () => {
  it('should pick the first largest group, or the largest LR when all groups hold one parameter', () => {
    expect(pickReportedGroup([3, 1, 3], [0.1, 0.2, 0.3])).toBe(0);
    expect(pickReportedGroup([1, 4], [0.1, 0.2])).toBe(1);
    expect(pickReportedGroup([1, 1], [0.1, 0.2])).toBe(1);
  });
});

describe(IterationTimer, () => {
  it('should record each step duration in seconds as time and log the total', () => {
    const clock: number[] = [0, 250, 1000, 1500];
    const lines: string[] = [];
    const timer: IterationTimer = new IterationTimer({
      now: () => clock.shift() ?? 0,
      logger: { info: (m) => lines.push(m), warn: () => undefined },
    });
    const ctx: HookContext = context(0);
    timer.beforeTrain();
    timer.beforeStep();
    timer.afterStep(ctx);
    expect(ctx.storage.latest('time')).toBe(0.25);
    timer.beforeStep();
    timer.afterStep(ctx);
    expect(ctx.storage.latest('time')).toBe(0.5);
    timer.afterTrain({ ...context(2), ending: 'finished' });
    expect(lines).toEqual(['trained 2 iterations in 0.75 s (0.3750 s/it)']);
  });

  it('should warn in its summary when the run stopped before maxIter', () => {
    const warnings: string[] = [];
    const timer: IterationTimer = new IterationTimer({ logger: { info: () => undefined, warn: (m) => warnings.push(m) } });
    timer.afterTrain({ ...context(160, 0, 320), ending: 'stopped' });
    timer.afterTrain({ ...context(5, 0, 320), ending: 'failed' });
    expect(warnings).toEqual(['training stopped at iteration 160, short of SOLVER.MAX_ITER 320; resume to continue']);
  });
});

describe('tensor hooks', () => {
  let before: number;

  beforeEach(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
  });

  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  describe(WeightEma, () => {
    it('should average as ema ← d·ema + (1 − d)·w, swap in and back, and round-trip its state', () => {
      const w: tf.Variable = tf.tidy(() => tf.variable(tf.tensor1d([1, 2]), true, 'ema/w'));
      const ema: WeightEma = new WeightEma(new Map([['w', w]]), 0.5);
      ema.beforeTrain();
      tf.tidy(() => {
        w.assign(tf.tensor1d([3, 6]));
      });
      ema.afterStep();
      // 0.5·[1, 2] + 0.5·[3, 6] = [2, 4]
      expect(Array.from(ema.state()[0]!.tensor.dataSync())).toEqual([2, 4]);
      ema.swap();
      expect(Array.from(w.dataSync())).toEqual([2, 4]);
      ema.swap();
      expect(Array.from(w.dataSync())).toEqual([3, 6]);
      const other: WeightEma = new WeightEma(new Map([['w', w]]), 0.5);
      other.loadState(ema.state());
      expect(Array.from(other.state()[0]!.tensor.dataSync())).toEqual([2, 4]);
      expect(() => {
        other.loadState([]);
      }).toThrow('WeightEma state: variable w missing or of another shape; expected [2]');
      other.dispose();
      ema.dispose();
      w.dispose();
    });

    it('should refuse a decay outside [0, 1)', () => {
      expect(() => new WeightEma(new Map(), 1)).toThrow('WeightEma decay: got 1, expected a number in [0, 1)');
    });
  });

  describe(PeriodicCheckpointer, () => {
    it('should save after iterations 2 and 5 of a period-3 run of 7 (as model_3, model_6) and model_final at the end', async () => {
      const w: tf.Variable = tf.tidy(() => tf.variable(tf.tensor1d([1]), true, 'pc/w'));
      const files: MemoryFileStore = new MemoryFileStore();
      const hook: PeriodicCheckpointer = new PeriodicCheckpointer(
        new Checkpointer({ model: new Map([['w', w]]) }, { files, dir: 'o', maxToKeep: 5 }),
        3,
      );
      for (let i = 0; i < 7; i++) await hook.afterStep(context(i, 0, 7));
      await hook.afterTrain(context(7, 0, 7));
      expect((await files.list('o')).sort()).toEqual(['last_checkpoint', 'model_0000003.ckpt', 'model_0000006.ckpt', 'model_final.ckpt']);
      const failed: MemoryFileStore = new MemoryFileStore();
      await new PeriodicCheckpointer(new Checkpointer({ model: new Map([['w', w]]) }, { files: failed, dir: 'o' }), 3).afterTrain(
        context(4, 0, 7),
      );
      expect(await failed.list('o')).toEqual([]);
      w.dispose();
    });
  });
});
