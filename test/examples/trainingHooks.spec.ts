import { describe, expect, it } from '@jest/globals';

describe('examples/trainingHooks.ts', () => {
  describe('when run', () => {
    it('should let the own hook see a falling loss, learn w ≈ [3, −1], and end on the decayed LR', async () => {
      const example = await import('../../examples/trainingHooks.js');
      expect(example.lossesEvery20).toHaveLength(3);
      expect(example.lossesEvery20[2]!).toBeLessThan(example.lossesEvery20[0]!);
      expect(example.learned[0]).toBeCloseTo(3, 0);
      expect(example.learned[1]).toBeCloseTo(-1, 0);
      // SPEC §3: after STEPS [40] the multiplier is GAMMA = 0.1, so 0.05 × 0.1.
      expect(example.lrAfterTraining).toBeCloseTo(0.005, 12);
    });
  });
});
