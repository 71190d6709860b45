import { describe, expect, it } from '@jest/globals';
import { MAX_ALIAS_COUNT, parseYamlText } from '../../src/config/yaml.js';

describe(parseYamlText, () => {
  describe('having YAML 1.2 scalars', () => {
    it('should read 1e-4 and .inf as numbers, True as a boolean, yes and (1, 2) as strings', () => {
      expect(parseYamlText('a: 1e-4\nb: .inf\nc: True\nd: yes\ne: (1, 2)\n', 'x.yaml')).toEqual({
        a: 0.0001,
        b: Infinity,
        c: true,
        d: 'yes',
        e: '(1, 2)',
      });
    });
  });

  describe('having a few aliases', () => {
    it('should expand them', () => {
      expect(parseYamlText('a: &lr 0.02\nb: *lr\n', 'x.yaml')).toEqual({ a: 0.02, b: 0.02 });
    });
  });

  describe('having an alias bomb', () => {
    it('should refuse it, naming the file and the limit', () => {
      const bomb = [
        'a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]',
        'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
        'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
        'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      ].join('\n');
      expect(() => parseYamlText(bomb, 'bomb.yaml')).toThrow(
        `bomb.yaml: YAML aliases expand too far (Excessive alias count indicates a resource exhaustion attack; at most ${MAX_ALIAS_COUNT} alias expansions)`,
      );
    });
  });

  describe('having a duplicate key', () => {
    it('should refuse it with the line and column', () => {
      expect(() => parseYamlText('SOLVER:\n  BASE_LR: 1\n  BASE_LR: 2\n', 'dup.yaml')).toThrow(
        'dup.yaml: invalid YAML: Map keys must be unique at line 3, column 3',
      );
    });
  });

  describe('having broken syntax', () => {
    it('should report the first YAML error on one line', () => {
      expect(() => parseYamlText('SOLVER: [1, 2\n', 'broken.yaml')).toThrow(/^broken\.yaml: invalid YAML: [^\n]+$/);
    });
  });

  describe('having a __proto__ key', () => {
    it('should refuse it and leave Object.prototype alone', () => {
      expect(() => parseYamlText('SOLVER:\n  __proto__:\n    polluted: 1\n', 'evil.yaml')).toThrow(
        'SOLVER.__proto__: key refused in evil.yaml',
      );
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });
});
