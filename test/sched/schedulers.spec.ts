import { describe, expect, it } from '@jest/globals';
import {
  constantScheduler,
  cosineScheduler,
  exponentialScheduler,
  linearScheduler,
  multiStepScheduler,
  type ParamScheduler,
  polynomialDecayScheduler,
  stepScheduler,
  stepWithFixedGammaScheduler,
} from '../../src/sched/schedulers.js';

// Golden tables for each fvcore scheduler, written by hand from the formulas of SPEC §3.1
// (the "from" column says which formula), plus the property checks fvcore's tests make.

type Row = readonly [where: number, expected: number];

function expectTable(s: ParamScheduler, rows: readonly Row[], digits = 15): void {
  for (const [where, expected] of rows) expect(s(where)).toBeCloseTo(expected, digits);
}

describe(constantScheduler, () => {
  describe('having value 0.1', () => {
    it('should return 0.1 on all of [0, 1], the end included', () => {
      expectTable(constantScheduler({ value: 0.1 }), [
        [0, 0.1],
        [0.5, 0.1],
        [1, 0.1],
      ]);
    });
  });
});

describe(cosineScheduler, () => {
  describe('having start 1 and end 0', () => {
    // from: end + 0.5 (start − end)(1 + cos(π where)); cos(π/4) = √2/2.
    it('should follow the half cosine', () => {
      expectTable(cosineScheduler({ startValue: 1, endValue: 0 }), [
        [0, 1],
        [0.25, 0.5 * (1 + Math.SQRT1_2)],
        [0.5, 0.5],
        [0.75, 0.5 * (1 - Math.SQRT1_2)],
        [1, 0],
      ]);
    });
  });
  describe('having start 0.5 and end 1 (a cosine warmup)', () => {
    it('should rise from 0.5 to 1 and be the decay reversed', () => {
      const up: ParamScheduler = cosineScheduler({ startValue: 0.5, endValue: 1 });
      const down: ParamScheduler = cosineScheduler({ startValue: 1, endValue: 0.5 });
      expectTable(up, [
        [0, 0.5],
        [0.5, 0.75],
        [1, 1],
      ]);
      for (let k = 0; k <= 100; k += 1) expect(up(k / 100)).toBeCloseTo(down(1 - k / 100), 14);
    });
  });
});

describe(exponentialScheduler, () => {
  describe('having start 2 and decay 0.1', () => {
    // from: start · decay^where; 0.1^0.5 = √0.1.
    it('should decay to start · decay at the end', () => {
      expectTable(exponentialScheduler({ startValue: 2, decay: 0.1 }), [
        [0, 2],
        [0.5, 2 * Math.sqrt(0.1)],
        [1, 0.2],
      ]);
    });
  });
});

describe(linearScheduler, () => {
  describe('having start 0 and end 0.1', () => {
    // from: end · where + start · (1 − where).
    it('should interpolate linearly', () => {
      expectTable(linearScheduler({ startValue: 0, endValue: 0.1 }), [
        [0, 0],
        [0.25, 0.025],
        [1, 0.1],
      ]);
    });
    it('should be the decay from 0.1 to 0 reversed', () => {
      const up: ParamScheduler = linearScheduler({ startValue: 0, endValue: 0.1 });
      const down: ParamScheduler = linearScheduler({ startValue: 0.1, endValue: 0 });
      for (let k = 0; k <= 100; k += 1) expect(up(k / 100)).toBeCloseTo(down(1 - k / 100), 15);
    });
  });
});

describe(polynomialDecayScheduler, () => {
  describe('having base 0.1 and power 2', () => {
    // from: base · (1 − where)^power.
    it('should decay as a square to 0', () => {
      expectTable(polynomialDecayScheduler({ baseValue: 0.1, power: 2 }), [
        [0, 0.1],
        [0.5, 0.025],
        [0.9, 0.001],
        [1, 0],
      ]);
    });
  });
});

describe(stepScheduler, () => {
  describe('having 4 values over 120 updates', () => {
    // from: values[floor((where + 1e-6) · 4)]: 30 updates each.
    const s: ParamScheduler = stepScheduler({ numUpdates: 120, values: [0.1, 0.01, 0.001, 0.0001] });
    it('should change value at updates 30, 60, 90 and keep the last value at where = 1', () => {
      expectTable(s, [
        [29 / 120, 0.1],
        [30 / 120, 0.01],
        [59 / 120, 0.01],
        [60 / 120, 0.001],
        [90 / 120, 0.0001],
        [1, 0.0001],
      ]);
    });
  });
});

describe(stepWithFixedGammaScheduler, () => {
  describe('having base 1, 3 decays of 0.1, 12 updates', () => {
    const s: ParamScheduler = stepWithFixedGammaScheduler({ baseValue: 1, numDecays: 3, gamma: 0.1, numUpdates: 12 });
    it('should build its values by repeated multiplication (fvcore), bit for bit', () => {
      // 1 · 0.1 = 0.1; 0.1 · 0.1 = 0.010000000000000002; that · 0.1 = 0.0010000000000000002 (IEEE doubles).
      expect([0, 0.25, 0.5, 0.75, 1].map(s)).toEqual([1, 0.1, 0.010000000000000002, 0.0010000000000000002, 0.0010000000000000002]);
    });
  });
});

describe(multiStepScheduler, () => {
  describe('having values [1, 0.1, 0.01] and milestones [30, 60] of 90', () => {
    const s: ParamScheduler = multiStepScheduler({ values: [1, 0.1, 0.01], milestones: [30, 60], numUpdates: 90 });
    it('should switch exactly at each milestone (±1) and keep the last value at where = 1', () => {
      const at = (i: number): number => s(i / 90);
      expect([0, 29, 30, 31, 59, 60, 61, 89].map(at)).toEqual([1, 1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01]);
      expect(s(1)).toBe(0.01);
    });
  });
  describe('having only numUpdates 10 and 3 values', () => {
    // from: milestones = ceil(10 / 3) · k = [4, 8].
    it('should split evenly with ceil', () => {
      const s: ParamScheduler = multiStepScheduler({ values: [3, 2, 1], numUpdates: 10 });
      expect([0, 3, 4, 7, 8, 9].map((i: number) => s(i / 10))).toEqual([3, 3, 2, 2, 1, 1]);
    });
  });
});
