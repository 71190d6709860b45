import { describe, expect, it } from '@jest/globals';
import { overridesToLayer } from '../../src/config/load.js';

describe(overridesToLayer, () => {
  describe('having KEY VALUE pairs', () => {
    it('should nest the keys and parse the values as YAML, later pairs winning', () => {
      const layer = overridesToLayer([
        'SOLVER.BASE_LR',
        '0.02',
        'SOLVER.STEPS',
        '[100, 200]',
        'SOLVER.CLIP_GRADIENTS.ENABLED',
        'true',
        'OUTPUT_DIR',
        'out/run 1',
        'SOLVER.BASE_LR',
        '0.03',
      ]);
      expect(layer).toEqual({
        source: '--opts',
        data: { SOLVER: { BASE_LR: 0.03, STEPS: [100, 200], CLIP_GRADIENTS: { ENABLED: true } }, OUTPUT_DIR: 'out/run 1' },
      });
    });
  });

  describe('having an odd number of items', () => {
    it('should say KEY VALUE pairs were expected', () => {
      expect(() => overridesToLayer(['SOLVER.BASE_LR', '0.02', 'SOLVER.STEPS'])).toThrow(
        '--opts: got 3 items (SOLVER.BASE_LR 0.02 SOLVER.STEPS), expected KEY VALUE pairs',
      );
    });
  });

  describe('having an empty key segment', () => {
    it('should name the key', () => {
      expect(() => overridesToLayer(['SOLVER..BASE_LR', '1'])).toThrow(
        '--opts: got key "SOLVER..BASE_LR", expected KEY like SOLVER.BASE_LR',
      );
    });
  });

  describe('having a refused key segment', () => {
    it('should name the path', () => {
      expect(() => overridesToLayer(['SOLVER.__proto__.x', '1'])).toThrow('SOLVER.__proto__: key refused in --opts');
    });
  });

  describe('having a value that cannot be read (an unclosed list)', () => {
    it('should name the key', () => {
      expect(() => overridesToLayer(['SOLVER.STEPS', '[1, 2'])).toThrow(
        '--opts SOLVER.STEPS: invalid value: "[1, 2" (a list is not closed)',
      );
    });
  });
});
