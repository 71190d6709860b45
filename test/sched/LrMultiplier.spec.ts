import { describe, expect, it } from '@jest/globals';
import { SolverError } from '../../src/errors.js';
import { buildLrScheduler, LrMultiplier, type LrMultiplierState } from '../../src/sched/lrScheduler.js';
import { multiStepScheduler, type ParamScheduler } from '../../src/sched/schedulers.js';
import { warmupScheduler } from '../../src/sched/lrScheduler.js';
import { configFor } from './configFor.js';
import { FakeTarget } from './FakeTarget.js';

// The LR multiplier (SPEC §3.4) with a fake optimizer: when the LR is written, per-group scale,
// the end of the run, state round-trip, resume exactness and the MAX_ITER policy (NOTES §5.1-4).

// Warmup (10 of 100 iterations, factor 0.1) then MultiStep [1, 0.5, 0.25] at 40 and 70.
const schedule: ParamScheduler = warmupScheduler({
  scheduler: multiStepScheduler({ values: [1, 0.5, 0.25], milestones: [40, 70], numUpdates: 100 }),
  warmupFactor: 0.1,
  warmupLength: 0.1,
});

function uninterrupted(steps: number): number[][] {
  const target: FakeTarget = new FakeTarget([0.2, 0.02]);
  const lr: LrMultiplier = new LrMultiplier(target, schedule, 100);
  lr.apply();
  for (let k = 0; k < steps; k += 1) lr.step();
  return target.writes.map((w: readonly number[]) => [...w]);
}

function thrown(run: () => unknown): SolverError {
  try {
    run();
  } catch (error: unknown) {
    if (SolverError.is(error)) return error;
  }
  throw new Error('expected a SolverError');
}

describe(LrMultiplier, () => {
  describe('having two groups with base LRs 0.2 and 0.02', () => {
    it('should write nothing to the target when constructed', () => {
      const target: FakeTarget = new FakeTarget([0.2, 0.02]);
      const lr: LrMultiplier = new LrMultiplier(target, schedule, 100);
      expect(target.writes).toEqual([]);
      expect(lr.current).toEqual({ iteration: 0, where: 0, multiplier: 0.1, learningRates: [0.2 * 0.1, 0.02 * 0.1] });
    });

    it('should apply base × m(i / MAX_ITER) for step i and keep the groups 10× apart', () => {
      const writes: number[][] = uninterrupted(100);
      // from: warmup LR at i < 10: 0.1 + 0.9 i/10; then 1 until 40, 0.5 until 70, 0.25.
      const m: number[] = writes.map((w: number[]) => w[0]! / 0.2);
      expect(m[0]).toBeCloseTo(0.1, 15);
      expect(m[5]).toBeCloseTo(0.55, 15);
      expect([m[9]! > 0.9, m[10], m[39], m[40], m[69], m[70], m[99]]).toEqual([true, 1, 1, 0.5, 0.5, 0.25, 0.25]);
      for (const w of writes) expect(w[0]! / w[1]!).toBeCloseTo(10, 12);
    });

    it('should keep the last value at and after MAX_ITER', () => {
      const writes: number[][] = uninterrupted(103);
      expect(writes.slice(99).map((w: number[]) => w[0])).toEqual([0.05, 0.05, 0.05, 0.05, 0.05]);
    });
  });

  describe('having a state saved at, before and after each boundary', () => {
    const full: number[][] = uninterrupted(100);
    describe.each([0, 1, 9, 10, 11, 39, 40, 41, 69, 70, 71, 99, 100])('when resumed at iteration %i', (k: number) => {
      it('should continue exactly as the uninterrupted run, for build-then-load and load-then-build alike', () => {
        const first: FakeTarget = new FakeTarget([0.2, 0.02]);
        const before: LrMultiplier = new LrMultiplier(first, schedule, 100);
        for (let s = 0; s < k; s += 1) before.step();
        const saved: LrMultiplierState = JSON.parse(JSON.stringify(before.state())) as LrMultiplierState;

        const target: FakeTarget = new FakeTarget([0.2, 0.02]);
        target.setLearningRates([123, 456]); // what a restored optimizer may hold
        const after: LrMultiplier = new LrMultiplier(target, schedule, 100);
        after.loadState(saved);
        after.apply();
        for (let s = k; s < 100; s += 1) after.step();
        expect(target.writes.slice(1)).toEqual(full.slice(k));
        expect(after.state()).toEqual({ iteration: 100, baseLearningRates: [0.2, 0.02], maxIter: 100 });
      });
    });
  });

  describe('having a schedule that turns negative at iteration 5', () => {
    it('should refuse the step and leave the multiplier and the target where they were', () => {
      const target: FakeTarget = new FakeTarget([1]);
      const lr: LrMultiplier = new LrMultiplier(target, (w: number) => 0.5 - w, 10);
      lr.apply();
      for (let k = 0; k < 5; k += 1) lr.step();
      expect(
        thrown(() => {
          lr.step();
        }).message,
      ).toBe('LrMultiplier schedule(0.6) at iteration 6: got -0.09999999999999998, expected a finite number >= 0');
      expect(lr.current.iteration).toBe(5);
      expect(target.writes).toHaveLength(6);
    });
  });

  describe('having a state saved with another MAX_ITER', () => {
    const saved: LrMultiplierState = { iteration: 50, baseLearningRates: [0.2, 0.02], maxIter: 100 };
    it('should refuse it with a state error by default, and change nothing', () => {
      const lr: LrMultiplier = new LrMultiplier(new FakeTarget([0.2, 0.02]), schedule, 200);
      const error: SolverError = thrown(() => {
        lr.loadState(saved);
      });
      expect(error.kind).toBe('state');
      expect(error.message).toBe(
        'SOLVER.MAX_ITER: the checkpoint was saved with 100, this run has 200; resuming with a different MAX_ITER is refused ' +
          '(set SOLVER.ALLOW_MAX_ITER_CHANGE true to continue at iteration 50 on the new schedule)',
      );
      expect(lr.current.iteration).toBe(0);
    });
    it('should continue at the same iteration on the new schedule when allowed (never rescaled)', () => {
      const lr: LrMultiplier = buildLrScheduler(
        configFor({ MAX_ITER: 200, STEPS: [150], ALLOW_MAX_ITER_CHANGE: true }),
        new FakeTarget([0.2, 0.02]),
      );
      lr.loadState(saved);
      expect(lr.current.iteration).toBe(50);
      expect(lr.current.where).toBe(0.25);
    });
  });

  const malformed: readonly (readonly [string, unknown, string])[] = [
    ['not an object', 7, 'LR multiplier state: got 7, expected an object'],
    [
      'a negative iteration',
      { iteration: -1, baseLearningRates: [1, 1], maxIter: 100 },
      'LR multiplier state iteration: got -1, expected an integer >= 0',
    ],
    ['no maxIter', { iteration: 1, baseLearningRates: [1, 1] }, 'LR multiplier state maxIter: got nothing, expected an integer > 0'],
    [
      'one group too few',
      { iteration: 1, baseLearningRates: [1], maxIter: 100 },
      'LR multiplier state baseLearningRates: got [1], expected 2 finite numbers >= 0 (one per group)',
    ],
  ];
  describe.each(malformed)('having a state that is %s', (_name, state, message) => {
    it('should throw a state error naming the field', () => {
      const lr: LrMultiplier = new LrMultiplier(new FakeTarget([0.2, 0.02]), schedule, 100);
      const error: SolverError = thrown(() => {
        lr.loadState(state);
      });
      expect([error.kind, error.message]).toEqual(['state', message]);
    });
  });

  describe('having bad construction arguments', () => {
    it('should reject maxIter 0, an empty target, a schedule that is not a function or returns NaN', () => {
      expect(thrown(() => new LrMultiplier(new FakeTarget([1]), schedule, 0)).message).toBe(
        'LrMultiplier maxIter: got 0, expected an integer > 0',
      );
      expect(thrown(() => new LrMultiplier(new FakeTarget([]), schedule, 10)).message).toBe(
        'LrMultiplier target.baseLearningRates: got [], expected a non-empty array of finite numbers >= 0',
      );
      expect(thrown(() => new LrMultiplier(new FakeTarget([1]), 0.5 as unknown as ParamScheduler, 10)).message).toBe(
        'LrMultiplier schedule: got 0.5, expected a scheduler function',
      );
      expect(thrown(() => new LrMultiplier(new FakeTarget([1]), () => NaN, 10)).message).toBe(
        'LrMultiplier schedule(0) at iteration 0: got NaN, expected a finite number >= 0',
      );
    });
  });
});
