import { describe, expect, it } from '@jest/globals';
import { editDistance, suggestKey } from '../../src/config/keys.js';

describe(editDistance, () => {
  it.each<[string, string, number]>([
    ['', '', 0],
    ['', 'abc', 3],
    ['BASE_LRR', 'BASE_LR', 1],
    ['kitten', 'sitting', 3], // the textbook example: k→s, e→i, +g
    ['STEPS', 'STPES', 2],
  ])('%p to %p should be %p', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe(suggestKey, () => {
  it('should pick the closest candidate, ignoring case', () => {
    expect(suggestKey('warmup_iter', ['WARMUP_ITERS', 'WARMUP_FACTOR'])).toBe('WARMUP_ITERS');
  });

  it('should suggest nothing when every candidate is far', () => {
    expect(suggestKey('MODEL', ['SOLVER', 'TRAIN', 'DEMO', 'OUTPUT_DIR', 'SEED'])).toBeUndefined();
  });
});
