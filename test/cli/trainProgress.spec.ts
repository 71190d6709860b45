import { describe, expect, it } from '@jest/globals';
import { shouldDrawProgress } from '../../src/cli/train.js';

describe(shouldDrawProgress, () => {
  it('should draw only on a terminal without --json', () => {
    expect(shouldDrawProgress(false, { isTTY: true })).toBe(true);
    expect(shouldDrawProgress(true, { isTTY: true })).toBe(false);
    expect(shouldDrawProgress(false, { isTTY: false })).toBe(false);
    expect(shouldDrawProgress(false, {})).toBe(false);
  });
});
