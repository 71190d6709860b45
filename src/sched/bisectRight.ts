/**
 * How many entries of the ascending list `sorted` are <= `x` (Python's `bisect.bisect_right`).
 *
 * Why: MultiStep picks its value by the number of milestones already passed; a binary search
 * keeps that O(log n) per call.
 */
export function bisectRight(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi: number = sorted.length;
  while (lo < hi) {
    const mid: number = (lo + hi) >>> 1;
    if (x < (sorted[mid] ?? Infinity)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
