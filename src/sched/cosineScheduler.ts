import type { ParamScheduler } from './ParamScheduler.js';
import { finiteArg } from './schedulerArgs.js';

/** Arguments of {@link cosineScheduler}. */
export interface CosineSchedulerArgs {
  /** Value at `where = 0`. */
  readonly startValue: number;
  /** Value at `where = 1`. */
  readonly endValue: number;
}

/**
 * Half a cosine from `startValue` to `endValue` (fvcore `CosineParamScheduler`, SGDR without restarts):
 * `end + 0.5 (start − end)(1 + cos(π where))`, float operations in fvcore's order.
 *
 * Why: the main part of detectron2's `WarmupCosineLR`; with start < end it is a cosine warmup.
 *
 * @param args.startValue value at the start, finite.
 * @param args.endValue value at the end, finite.
 * @returns the scheduler.
 * @throws SolverError('argument') when either value is not finite.
 * @example
 * ```ts
 * const s = cosineScheduler({ startValue: 0.1, endValue: 0 });
 * s(0); // 0.1
 * s(0.5); // 0.05
 * s(1); // 0
 * ```
 */
export function cosineScheduler(args: CosineSchedulerArgs): ParamScheduler {
  const start: number = finiteArg('cosineScheduler.startValue', args.startValue);
  const end: number = finiteArg('cosineScheduler.endValue', args.endValue);
  const halfRange: number = 0.5 * (start - end);
  return (where: number): number => end + halfRange * (1 + Math.cos(Math.PI * where));
}
