import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/yaml.js';

describe('configs/default.yaml', () => {
  describe('when loaded', () => {
    it('should be valid and hold the demo values', async () => {
      const warnings: string[] = [];
      const config = await loadConfig('configs/default.yaml', [], {
        logger: { info: () => undefined, warn: (message: string) => warnings.push(message) },
      });
      expect(config.SOLVER).toMatchObject({ BASE_LR: 0.05, MAX_ITER: 2000, STEPS: [1500], WARMUP_ITERS: 100, CHECKPOINT_PERIOD: 500 });
      expect(warnings).toEqual([]);
    });
  });
});
