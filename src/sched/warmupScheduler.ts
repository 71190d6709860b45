import { compositeScheduler } from './compositeScheduler.js';
import { constantScheduler } from './constantScheduler.js';
import { linearScheduler } from './linearScheduler.js';
import type { ParamScheduler } from './ParamScheduler.js';
import { argumentError, rangeArg } from './schedulerArgs.js';
import type { WarmupMethod } from './WarmupMethod.js';
import { checkWarmupMethod } from './WarmupMethod.js';

/** Arguments of {@link warmupScheduler}. */
export interface WarmupSchedulerArgs {
  /** The main schedule; warmup is put in front of it. */
  readonly scheduler: ParamScheduler;
  /** The warmup starts at `warmupFactor · scheduler(0)`, e.g. 0.001. */
  readonly warmupFactor: number;
  /** Share of the run spent in warmup, in [0, 1], e.g. `WARMUP_ITERS / MAX_ITER`. */
  readonly warmupLength: number;
  /** Default `linear`. */
  readonly warmupMethod?: WarmupMethod;
  /**
   * false (default): the main schedule keeps the global `where` (it is cut, and warmup ends at
   * `scheduler(warmupLength)`); true: the main schedule is squeezed into the rest of the run
   * (starts at its own 0; warmup ends at `scheduler(0)`).
   */
  readonly rescaleInterval?: boolean;
}

/**
 * Puts a warmup stage in front of a schedule (detectron2 `WarmupParamScheduler`, SPEC §3.3):
 * `start = factor · s(0)`, `end = rescaleInterval ? s(0) : s(length)`, the warmup part is
 * Constant(start) or Linear(start, end), and the result is the composite of
 * `[warmup, s]` with lengths `[length, 1 − length]` and scaling
 * `['rescaled', rescaleInterval ? 'rescaled' : 'fixed']`.
 *
 * Why: large-batch training needs a gentle start (Goyal et al., "ImageNet in 1 hour").
 * NOTE: `warmupLength = 1` with `rescaleInterval` leaves the main part no room at all (the
 * reference divides by zero at the end); it is refused here.
 *
 * @param args see {@link WarmupSchedulerArgs}.
 * @returns the scheduler.
 * @throws SolverError('argument') for a factor that is not finite and >= 0, a length outside
 *   [0, 1], length 1 with rescaleInterval, or `Unknown warmup method: <m>`.
 * @example
 * ```ts
 * const s = warmupScheduler({ scheduler: cosineScheduler({ startValue: 1, endValue: 0 }), warmupFactor: 0.001, warmupLength: 0.1 });
 * s(0); // 0.001
 * s(0.05); // ≈ halfway between 0.001 and cos-value at 0.1
 * s(0.5); // 0.5, the cosine itself from 0.1 on
 * ```
 */
export function warmupScheduler(args: WarmupSchedulerArgs): ParamScheduler {
  const method: WarmupMethod = checkWarmupMethod(args.warmupMethod ?? 'linear', 'warmupScheduler.warmupMethod', 'argument');
  const factor: number = rangeArg('warmupScheduler.warmupFactor', args.warmupFactor, 0, Infinity);
  const length: number = rangeArg('warmupScheduler.warmupLength', args.warmupLength, 0, 1);
  const rescale: boolean = args.rescaleInterval ?? false;
  if (typeof args.scheduler !== 'function') throw argumentError('warmupScheduler.scheduler', args.scheduler, 'a scheduler function');
  if (rescale && length >= 1) {
    throw argumentError('warmupScheduler.warmupLength', length, '< 1 when rescaleInterval is true (the main part needs room)');
  }
  const main: ParamScheduler = args.scheduler;
  const endValue: number = rescale ? main(0.0) : main(length);
  const startValue: number = factor * main(0.0);
  const warmup: ParamScheduler =
    method === 'constant' ? constantScheduler({ value: startValue }) : linearScheduler({ startValue, endValue });
  return compositeScheduler({
    schedulers: [warmup, main],
    lengths: [length, 1 - length],
    intervalScaling: ['rescaled', rescale ? 'rescaled' : 'fixed'],
  });
}
