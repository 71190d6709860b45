import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/yaml.js';

describe("README's configs/clip-norm.yaml", () => {
  describe('when loaded with the README override', () => {
    it('should merge default.yaml under it and apply the override last', async () => {
      const config = await loadConfig('configs/clip-norm.yaml', ['SOLVER.BASE_LR', '0.01']);
      expect(config.SOLVER).toMatchObject({ BASE_LR: 0.01, MAX_ITER: 90000, STEPS: [60000, 80000], WARMUP_ITERS: 1000 });
      expect(config.SOLVER.CLIP_GRADIENTS).toMatchObject({ ENABLED: true, CLIP_TYPE: 'norm', NORM_TYPE: Infinity, CLIP_VALUE: 1.0 });
      expect(config.SEED).toBe(42); // from default.yaml
    });
  });
});
