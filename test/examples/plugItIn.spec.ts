import { describe, expect, it } from '@jest/globals';

describe('examples/plugItIn.ts', () => {
  describe('when run', () => {
    it('should train with model.fit to MAX_ITER and leave checkpoints and metrics.json in OUTPUT_DIR', async () => {
      const example = await import('../../examples/plugItIn.js');
      expect(example.stoppedAt).toBe(40);
      expect(example.files).toEqual(['last_checkpoint', 'metrics.json', 'model_0000020.ckpt', 'model_final.ckpt']);
    });
  });
});
