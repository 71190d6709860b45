import { describe, expect, it } from '@jest/globals';
import { parseTupleString } from '../../../src/config/schema.js';

describe(parseTupleString, () => {
  describe('having Python tuple strings', () => {
    it.each<[string, unknown[]]>([
      ['(60000, 80000)', [60000, 80000]],
      ['(1500,)', [1500]],
      ['()', []],
      [' (0.9, 1e-3) ', [0.9, 0.001]],
    ])('%p should become %p', (text, list) => {
      expect(parseTupleString(text)).toEqual(list);
    });
  });

  describe('having other values', () => {
    it.each<unknown>(['60000, 80000', '(1, 2', 'soon', 5, null, [1]])('%p should be returned unchanged', (value) => {
      expect(parseTupleString(value)).toBe(value);
    });
  });
});
