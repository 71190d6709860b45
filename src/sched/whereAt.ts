/**
 * Training progress at `iteration` of a `maxIter`-iteration run: `iteration / maxIter`, and 1 at
 * or after the end.
 *
 * Why one helper: this is the only place the iteration-to-`where` rule and the end-of-run policy
 * live. detectron2 evaluates `last_epoch / max_iter`, which reaches 1 on the step after the last
 * iteration (and more than 1 if training continues); fvcore then raises or indexes past its list
 * (SPEC §7). Clamping at 1 makes every value at or after the end the schedule's last value.
 *
 * @param iteration 0-based iteration (>= 0).
 * @param maxIter total iterations (> 0).
 * @returns `where` in [0, 1].
 * @example
 * ```ts
 * whereAt(250, 1000); // 0.25
 * whereAt(1000, 1000); // 1
 * whereAt(5000, 1000); // 1
 * ```
 */
export function whereAt(iteration: number, maxIter: number): number {
  return iteration >= maxIter ? 1 : iteration / maxIter;
}
