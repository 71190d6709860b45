import { describe, expect, it } from '@jest/globals';

describe('examples/loadConfig.ts', () => {
  describe('when run', () => {
    it('should merge defaults, the base file, the child file and the override, with one warning', async () => {
      const example = await import('../../examples/loadConfig.js');
      expect(example.solver).toMatchObject({ BASE_LR: 0.05, MAX_ITER: 2000, STEPS: [1500], IMS_PER_BATCH: 16, MOMENTUM: 0.9 });
      expect(example.warnings).toEqual(['ignored keys that belong to other tools: MODEL (in configs/Base.yaml)']);
    });
  });
});
