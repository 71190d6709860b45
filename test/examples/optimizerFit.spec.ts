import { describe, expect, it } from '@jest/globals';

describe('examples/optimizerFit.ts', () => {
  describe('when run', () => {
    it('should train through model.fit, read the stats every 10 steps, and keep name-keyed state', async () => {
      const example = await import('../../examples/optimizerFit.js');
      expect(example.losses).toHaveLength(40);
      expect(example.losses.at(-1)!).toBeLessThan(example.losses[0]! / 10);
      // 40 epochs × 256 / 64 = 160 steps → read at steps 10, 20, …, 160
      expect(example.gradNorms).toHaveLength(16);
      expect(example.gradNorms.every((n) => Number.isFinite(n) && n >= 0)).toBe(true);
      expect(example.state[0]).toBe('iter');
      expect(example.state.filter((n) => n.endsWith('/momentum'))).toHaveLength(4);
      expect(example.state.at(-1)).toBe('tfjs-solver/skipped_steps');
    });
  });
});
