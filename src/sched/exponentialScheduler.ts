import type { ParamScheduler } from './ParamScheduler.js';
import { finiteArg, positiveArg } from './schedulerArgs.js';

/** Arguments of {@link exponentialScheduler}. */
export interface ExponentialSchedulerArgs {
  /** Value at `where = 0`. */
  readonly startValue: number;
  /** The factor reached at `where = 1`: the value there is `startValue · decay`. */
  readonly decay: number;
}

/**
 * Exponential decay `startValue · decay^where` (fvcore `ExponentialParamScheduler`).
 *
 * Why: a smooth decay whose ratio per unit of progress is constant.
 *
 * @param args.startValue value at the start, finite.
 * @param args.decay the total decay factor over the run, finite and > 0.
 * @returns the scheduler.
 * @throws SolverError('argument') when `startValue` is not finite or `decay` is not > 0.
 * @example
 * ```ts
 * exponentialScheduler({ startValue: 2, decay: 0.1 })(0.5); // 2 · 0.1^0.5 ≈ 0.6325
 * ```
 */
export function exponentialScheduler(args: ExponentialSchedulerArgs): ParamScheduler {
  const start: number = finiteArg('exponentialScheduler.startValue', args.startValue);
  const decay: number = positiveArg('exponentialScheduler.decay', args.decay);
  return (where: number): number => start * decay ** where;
}
