import { describe, expect, it } from '@jest/globals';

describe('examples/customClipper.ts', () => {
  describe('when run', () => {
    it('should train through the rebound clipper on every step and keep each step within its clamp', async () => {
      const example = await import('../../examples/customClipper.js');
      expect(example.clipperCalls).toBe(12);
      expect(example.learningRates).toEqual(new Array(12).fill(0.1));
      // 12 steps of at most lr × 0.01 = 0.001 each (no momentum, no decay): |w| ≤ 0.012.
      expect(example.largestWeight).toBeLessThanOrEqual(0.012 + 1e-6);
      expect(example.largestWeight).toBeGreaterThan(0.011);
    });
  });
});
