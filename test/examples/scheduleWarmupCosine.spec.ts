import { describe, expect, it } from '@jest/globals';
import { warmupCosineExample } from '../../examples/scheduleWarmupCosine.js';

// Runs examples/scheduleWarmupCosine.ts and checks its numbers against the formulas of SPEC §3.

// By hand: WARMUP_FACTOR 0.001, 10 of 100 iterations of linear warmup towards cos at 0.1,
// then BASE_LR × 0.5 (1 + cos(π i / 100)), groups at 0.1 and 0.2.
const cosine = (i: number): number => 0.5 * (1 + Math.cos((Math.PI * i) / 100));

describe('examples/scheduleWarmupCosine', () => {
  describe('when run', () => {
    const { lrs, saved, resumed } = warmupCosineExample();
    it('should start at BASE_LR × WARMUP_FACTOR and follow the cosine after warmup, for both groups', () => {
      expect(lrs).toHaveLength(100);
      expect(lrs[0]).toEqual([0.1 * 0.001, 0.2 * 0.001]);
      expect(lrs[5]![0]).toBeCloseTo(0.1 * (0.001 + (cosine(10) - 0.001) * 0.5), 15);
      for (const i of [10, 50, 99]) {
        expect(lrs[i]![0]).toBeCloseTo(0.1 * cosine(i), 15);
        expect(lrs[i]![1]).toBeCloseTo(0.2 * cosine(i), 15);
      }
    });
    it('should resume from the checkpoint exactly', () => {
      expect(saved).toEqual({ iteration: 60, baseLearningRates: [0.1, 0.2], maxIter: 100 });
      expect(resumed).toEqual(lrs.slice(60));
    });
  });
});
