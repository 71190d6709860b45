/** One point of a chart: an iteration and its LR. */
export interface ChartPoint {
  readonly iteration: number;
  readonly lr: number;
}

/**
 * At most about `budget` points of a per-iteration series for a line chart: an even sample,
 * plus both sides of every iteration in `sharpAt` (so steps are drawn as steps, not slopes), plus
 * the last iteration.
 */
export function chartPoints(lr: readonly number[], sharpAt: readonly number[], budget = 2000): ChartPoint[] {
  const stride: number = Math.max(1, Math.ceil(lr.length / budget));
  const picked: Set<number> = new Set([lr.length - 1]);
  for (let i = 0; i < lr.length; i += stride) picked.add(i);
  for (const i of sharpAt) {
    if (i > 0 && i < lr.length) picked.add(i - 1).add(i);
  }
  return [...picked].sort((a: number, b: number) => a - b).map((i: number) => ({ iteration: i, lr: lr[i] ?? NaN }));
}
