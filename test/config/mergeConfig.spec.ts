import { describe, expect, it } from '@jest/globals';
import { mergeConfig } from '../../src/config/load.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';

describe(mergeConfig, () => {
  describe('having a valid patch', () => {
    it('should return a new frozen config with the patch applied and leave the base untouched', () => {
      const merged = mergeConfig(DEFAULT_CONFIG, { SOLVER: { CLIP_GRADIENTS: { ENABLED: true }, STEPS: '(10, 20)' } });
      expect(merged.SOLVER.CLIP_GRADIENTS).toEqual({ ...DEFAULT_CONFIG.SOLVER.CLIP_GRADIENTS, ENABLED: true });
      expect(merged.SOLVER.STEPS).toEqual([10, 20]);
      expect(DEFAULT_CONFIG.SOLVER.CLIP_GRADIENTS.ENABLED).toBe(false);
      expect(DEFAULT_CONFIG.SOLVER.STEPS).toEqual([30000]);
      expect(Object.isFrozen(merged.SOLVER)).toBe(true);
    });
  });

  describe('having a patch that breaks a rule', () => {
    it('should name the key, value, rule and source', () => {
      expect(() => mergeConfig(DEFAULT_CONFIG, { SOLVER: { WARMUP_ITERS: -1 } }, 'ui form')).toThrow(
        'SOLVER.WARMUP_ITERS: got -1, expected an integer >= 0 (in ui form)',
      );
    });
  });

  describe('having a patch that is not a mapping', () => {
    it('should say so', () => {
      expect(() => mergeConfig(DEFAULT_CONFIG, [1])).toThrow('patch: got [1], expected a mapping of config keys');
    });
  });
});
