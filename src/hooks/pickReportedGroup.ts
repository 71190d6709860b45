/**
 * Which parameter group's LR to report as `lr` in the metrics (detectron2's heuristic): when
 * every group holds a single parameter (per-parameter groups), the group with the largest LR;
 * otherwise the first group with the most parameters, whose LR is the "main" one.
 *
 * @param sizes parameters per group.
 * @param lrs each group's LR at the start.
 * @returns a group index (0 when `sizes` is empty).
 * @example
 * ```ts
 * pickReportedGroup([3, 1, 3], [0.1, 0.2, 0.3]); // 0 (first of the largest groups)
 * pickReportedGroup([1, 1], [0.1, 0.2]);         // 1 (largest LR)
 * ```
 */
export function pickReportedGroup(sizes: readonly number[], lrs: readonly number[]): number {
  const largest: number = Math.max(0, ...sizes);
  if (largest === 1) {
    const maxLr: number = Math.max(...lrs);
    return Math.max(0, lrs.indexOf(maxLr));
  }
  return Math.max(0, sizes.indexOf(largest));
}
