import type { ParamScheduler } from './ParamScheduler.js';
import { finiteArg } from './schedulerArgs.js';

/** Arguments of {@link linearScheduler}. */
export interface LinearSchedulerArgs {
  /** Value at `where = 0`. */
  readonly startValue: number;
  /** Value at `where = 1`. */
  readonly endValue: number;
}

/**
 * Straight line from `startValue` to `endValue`: `end · where + start · (1 − where)`
 * (fvcore `LinearParamScheduler`, same float operations).
 *
 * Why: the linear stage of a warmup, or a linear decay.
 *
 * @param args.startValue value at the start, finite.
 * @param args.endValue value at the end, finite.
 * @returns the scheduler.
 * @throws SolverError('argument') when either value is not finite.
 * @example
 * ```ts
 * linearScheduler({ startValue: 0, endValue: 0.1 })(0.5); // 0.05
 * ```
 */
export function linearScheduler(args: LinearSchedulerArgs): ParamScheduler {
  const start: number = finiteArg('linearScheduler.startValue', args.startValue);
  const end: number = finiteArg('linearScheduler.endValue', args.endValue);
  return (where: number): number => end * where + start * (1 - where);
}
