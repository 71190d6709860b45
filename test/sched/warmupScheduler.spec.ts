import { describe, expect, it } from '@jest/globals';
import { cosineScheduler, linearScheduler, type ParamScheduler } from '../../src/sched/schedulers.js';
import { warmupScheduler } from '../../src/sched/lrScheduler.js';
import { compositeScheduler } from '../../src/sched/schedulers.js';

// Warmup (SPEC §3.3) and the composite it is built on, checked against hand formulas.

const cosine = (w: number): number => 0.5 * (1 + Math.cos(Math.PI * w)); // Cosine(1, 0) by hand

describe(warmupScheduler, () => {
  describe('having a cosine, factor 0.001, length 0.1, linear, no rescale', () => {
    const s: ParamScheduler = warmupScheduler({
      scheduler: cosineScheduler({ startValue: 1, endValue: 0 }),
      warmupFactor: 0.001,
      warmupLength: 0.1,
    });
    it('should ramp linearly from 0.001 to cos(0.1) and then follow the cosine on the global where', () => {
      // from: Linear(0.001 · s(0), s(0.1)) on (where / 0.1), then s(where) itself ('fixed').
      expect(s(0)).toBe(0.001);
      expect(s(0.05)).toBeCloseTo(0.5 * cosine(0.1) + 0.5 * 0.001, 15);
      expect(s(0.1)).toBeCloseTo(cosine(0.1), 15);
      expect(s(0.5)).toBeCloseTo(0.5, 15);
      expect(s(1)).toBeCloseTo(0, 15);
    });
    it('should be continuous at the end of warmup', () => {
      expect(Math.abs(s(0.1 - 1e-9) - s(0.1 + 1e-9))).toBeLessThan(1e-7);
    });
  });

  describe('having the same with rescaleInterval', () => {
    const s: ParamScheduler = warmupScheduler({
      scheduler: cosineScheduler({ startValue: 1, endValue: 0 }),
      warmupFactor: 0.001,
      warmupLength: 0.1,
      rescaleInterval: true,
    });
    it('should ramp to s(0) = 1 and squeeze the whole cosine into [0.1, 1]', () => {
      // from: end = s(0); main part sees (where − 0.1) / 0.9.
      expect(s(0.05)).toBeCloseTo(0.5 * 1 + 0.5 * 0.001, 15);
      expect(s(0.1)).toBeCloseTo(1, 15);
      expect(s(0.55)).toBeCloseTo(0.5, 14);
      expect(s(1)).toBeCloseTo(0, 15);
    });
  });

  describe('having the constant method', () => {
    it('should hold factor · s(0) through warmup, then jump to the schedule', () => {
      const s: ParamScheduler = warmupScheduler({
        scheduler: linearScheduler({ startValue: 1, endValue: 0 }),
        warmupFactor: 0.25,
        warmupLength: 0.2,
        warmupMethod: 'constant',
      });
      expect([0, 0.1, 0.19].map(s)).toEqual([0.25, 0.25, 0.25]);
      expect(s(0.2)).toBeCloseTo(0.8, 15);
    });
  });

  describe('having length 0 (no warmup)', () => {
    it('should be the schedule itself from where = 0', () => {
      const s: ParamScheduler = warmupScheduler({
        scheduler: cosineScheduler({ startValue: 1, endValue: 0 }),
        warmupFactor: 0.001,
        warmupLength: 0,
      });
      expect(s(0)).toBe(1);
      expect(s(0.5)).toBeCloseTo(0.5, 15);
    });
  });

  describe('having length 1 without rescale (WARMUP_ITERS >= MAX_ITER)', () => {
    it('should warm up over the whole run to s(1), never crash at where = 1', () => {
      const s: ParamScheduler = warmupScheduler({
        scheduler: cosineScheduler({ startValue: 1, endValue: 0.5 }),
        warmupFactor: 0.1,
        warmupLength: 1,
      });
      // from: Linear(0.1 · 1, s(1) = 0.5) on where.
      expect(s(0)).toBeCloseTo(0.1, 15);
      expect(s(0.5)).toBeCloseTo(0.3, 15);
      expect(s(1)).toBeCloseTo(0.5, 15);
    });
  });
});

describe(compositeScheduler, () => {
  describe('having three linear parts, lengths summing to 1 within 1e-3', () => {
    it('should adjust a copy of the last length and leave the caller array alone', () => {
      const lengths: number[] = [0.3, 0.3, 0.3995];
      const part: ParamScheduler = linearScheduler({ startValue: 0, endValue: 1 });
      const s: ParamScheduler = compositeScheduler({
        schedulers: [part, part, part],
        lengths,
        intervalScaling: ['rescaled', 'rescaled', 'rescaled'],
      });
      expect(lengths).toEqual([0.3, 0.3, 0.3995]);
      // third part: starts at 0.6, length adjusted to 0.4: where 0.8 → (0.8 − 0.6) / 0.4 = 0.5.
      expect(s(0.8)).toBeCloseTo(0.5, 14);
      expect(s(0.15)).toBeCloseTo(0.5, 14);
    });
  });
  describe('having the running-sum start of fvcore', () => {
    it('should compute the rescaled where as (where − ((l0 + l1) − l1)) / l1, bit for bit', () => {
      const identity: ParamScheduler = (w: number): number => w;
      const l0 = 0.1;
      const l1 = 0.7;
      const s: ParamScheduler = compositeScheduler({
        schedulers: [identity, identity, identity],
        lengths: [l0, l1, 1 - l0 - l1],
        intervalScaling: ['rescaled', 'rescaled', 'rescaled'],
      });
      const where = 0.5;
      // fvcore: running_total = l0 + l1; start = running_total − l1 (not l0 itself).
      expect(s(where)).toBe((where - (l0 + l1 - l1)) / l1);
      expect(l0 + l1 - l1).not.toBe(l0); // 0.09999999999999998: the order of operations matters here
    });
  });
});
