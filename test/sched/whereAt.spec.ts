import { describe, expect, it } from '@jest/globals';
import { bisectRight, whereAt } from '../../src/sched/schedulers.js';

describe(whereAt, () => {
  describe('having MAX_ITER 1000', () => {
    it('should be i / 1000 before the end and exactly 1 at and after it', () => {
      expect([0, 250, 999, 1000, 1001, 1e9].map((i: number) => whereAt(i, 1000))).toEqual([0, 0.25, 0.999, 1, 1, 1]);
    });
  });
});

describe(bisectRight, () => {
  describe('having milestones [10, 20, 30]', () => {
    it('should count the milestones <= x, as Python bisect_right', () => {
      expect([-1, 9, 10, 11, 20, 29, 30, 99].map((x: number) => bisectRight([10, 20, 30], x))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
      expect(bisectRight([], 5)).toBe(0);
    });
  });
});
