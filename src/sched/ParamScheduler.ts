/**
 * A parameter scheduler: maps training progress `where` to a value (fvcore's `ParamScheduler`).
 *
 * Why a plain function: a schedule is pure maths with no state, so it is trivially testable and
 * composable (optax's `Schedule`). `where` is the fraction of training done, `iteration / MAX_ITER`,
 * in [0, 1]; every scheduler this package builds is total on [0, 1] (the value at `where = 1`, the
 * step after the last iteration, is the schedule's last value, never an exception). Outside
 * [0, 1] the result is unspecified; {@link whereAt} never produces such a `where`.
 *
 * @example
 * ```ts
 * const half: ParamScheduler = (where) => 0.5 * (1 - where);
 * half(0); // 0.5
 * ```
 */
export type ParamScheduler = (where: number) => number;

/**
 * The slack fvcore adds to `where` before it compares it with a boundary (`WHERE_EPSILON = 1e-6`).
 *
 * Why keep it: the step schedules and the composite pick their interval from `where + 1e-6`, and
 * reproducing the reference bit for bit means adding the same constant. NOTE: with
 * `MAX_ITER >= 1e6` this moves a milestone one iteration early, exactly as in fvcore.
 */
export const WHERE_EPSILON = 1e-6;
