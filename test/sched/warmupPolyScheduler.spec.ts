import { describe, expect, it } from '@jest/globals';
import type { ParamScheduler } from '../../src/sched/schedulers.js';
import { warmupPolyScheduler } from '../../src/sched/lrScheduler.js';

// WarmupPolyLR (detectron2 projects/DeepLab/deeplab/lr_scheduler.py) against its formula by hand.

// DeepLab, per iteration: w = i >= W ? 1 : (linear: f (1 − i/W) + i/W); poly = (1 − i/M)^p;
// if ending > 0 and w == 1 and poly < ending: ending; else w · poly.
function deeplab(i: number, M: number, W: number, f: number, p: number, ending: number): number {
  const w: number = i >= W ? 1 : f * (1 - i / W) + i / W;
  const poly: number = Math.pow(1 - i / M, p);
  return ending > 0 && w === 1 && poly < ending ? ending : w * poly;
}

describe(warmupPolyScheduler, () => {
  describe('having power 0.9, warmup 100 of 1000 iterations, factor 0.001, no ending', () => {
    const s: ParamScheduler = warmupPolyScheduler({ power: 0.9, constantEnding: 0, warmupFactor: 0.001, warmupLength: 100 / 1000 });
    it('should match DeepLab at every iteration within 1e-15 relative, and reach 0 at the end', () => {
      for (let i = 0; i < 1000; i += 1) {
        const want: number = deeplab(i, 1000, 100, 0.001, 0.9, 0);
        expect(Math.abs(s(i / 1000) - want)).toBeLessThanOrEqual(1e-15 * Math.max(want, 1e-300) + 1e-300);
      }
      expect(s(0)).toBe(0.001);
      expect(s(1)).toBe(0);
    });
  });
  describe('having a constant ending of 0.1', () => {
    const s: ParamScheduler = warmupPolyScheduler({ power: 1, constantEnding: 0.1, warmupFactor: 0.001, warmupLength: 0 });
    it('should floor at 0.1 once (1 − where) < 0.1', () => {
      // from: poly = 1 − where; below 0.1 after where = 0.9.
      expect(s(0.5)).toBe(0.5);
      expect(s(0.89)).toBeCloseTo(0.11, 15);
      expect(s(0.95)).toBe(0.1);
      expect(s(1)).toBe(0.1);
    });
    it('should never increase', () => {
      let previous: number = Infinity;
      for (let k = 0; k <= 1000; k += 1) {
        expect(s(k / 1000)).toBeLessThanOrEqual(previous);
        previous = s(k / 1000);
      }
    });
  });
  describe('having a warmup longer than the run (WARMUP_ITERS 2000 of 1000)', () => {
    it('should still be in warmup at the end, α = i / 2000, as DeepLab', () => {
      const s: ParamScheduler = warmupPolyScheduler({ power: 0.9, constantEnding: 0, warmupFactor: 0.5, warmupLength: 2 });
      expect(s(0.5)).toBeCloseTo(deeplab(500, 1000, 2000, 0.5, 0.9, 0), 15);
    });
  });
  describe('having the constant warmup method', () => {
    it('should multiply the poly factor by the warmup factor during warmup', () => {
      const s: ParamScheduler = warmupPolyScheduler({
        power: 1,
        constantEnding: 0,
        warmupFactor: 0.1,
        warmupLength: 0.2,
        warmupMethod: 'constant',
      });
      expect(s(0.1)).toBeCloseTo(0.1 * 0.9, 15);
      expect(s(0.2)).toBeCloseTo(0.8, 15);
    });
  });
});
