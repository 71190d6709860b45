import { describe, expect, it } from '@jest/globals';

describe('examples/gradientClipping.ts', () => {
  describe('when run', () => {
    it('should clip per parameter, step by at most the max norm, and skip the NaN step', async () => {
      const example = await import('../../examples/gradientClipping.js');
      // a = [3, 4] · 1/(5 + 1e-6); b unchanged (norm 0.5 ≤ 1)
      expect(example.clipped.a[0]).toBeCloseTo(0.6, 5);
      expect(example.clipped.a[1]).toBeCloseTo(0.8, 5);
      expect(example.clipped.b).toEqual([Math.fround(0.3), Math.fround(0.4)]);
      // w = 0 − 0.1 · [30, 40] / (50 + 1e-6), then the NaN step leaves it as it is
      expect(example.weights[0]).toBeCloseTo(-0.06, 6);
      expect(example.weights[1]).toBeCloseTo(-0.08, 6);
      expect(example.skippedTotal).toBe(1);
    });
  });
});
