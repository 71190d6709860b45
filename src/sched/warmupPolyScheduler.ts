import type { ParamScheduler } from './ParamScheduler.js';
import { rangeArg } from './schedulerArgs.js';
import type { WarmupMethod } from './WarmupMethod.js';
import { checkWarmupMethod } from './WarmupMethod.js';

/** Arguments of {@link warmupPolyScheduler}. */
export interface WarmupPolySchedulerArgs {
  /** Exponent of `(1 − where)` (`SOLVER.POLY_LR_POWER`, default 0.9). */
  readonly power: number;
  /** Floor applied after warmup once the poly factor falls below it; 0 disables it (`SOLVER.POLY_LR_CONSTANT_ENDING`). */
  readonly constantEnding: number;
  /** Warmup factor at the first iteration (`SOLVER.WARMUP_FACTOR`). */
  readonly warmupFactor: number;
  /** `WARMUP_ITERS / MAX_ITER`, not clamped (a warmup longer than the run is legal, as in DeepLab). */
  readonly warmupLength: number;
  /** Default `linear`. */
  readonly warmupMethod?: WarmupMethod;
}

/**
 * detectron2 DeepLab's `WarmupPolyLR` as a function of `where = iter / MAX_ITER`:
 * `w(where) · (1 − where)^power`, where the warmup factor is multiplicative, as in the old
 * detectron2 warmup: `w = 1` once `where >= warmupLength`, else `factor` (constant) or
 * `factor · (1 − α) + α` with `α = where / warmupLength` (linear); and, when `constantEnding > 0`
 * and `w = 1`, the value is `constantEnding` wherever `(1 − where)^power < constantEnding`.
 *
 * Why: the poly schedule DeepLab trains with. NOTE: DeepLab computes `α = iter / WARMUP_ITERS`
 * and `LR = base · w · poly`; here `α = (iter/MAX_ITER) / (WARMUP_ITERS/MAX_ITER)` and
 * `LR = base · (w · poly)`, which can differ in the last bit. Past the end (where > 1) DeepLab
 * raises (a negative base to a fractional power); callers clamp `where` to 1 ({@link whereAt}).
 *
 * @param args see {@link WarmupPolySchedulerArgs}: power finite >= 0, constantEnding in [0, 1],
 *   warmupFactor finite >= 0, warmupLength finite >= 0.
 * @returns the scheduler.
 * @throws SolverError('argument') naming the argument that breaks its rule, or `Unknown warmup method: <m>`.
 * @example
 * ```ts
 * const s = warmupPolyScheduler({ power: 0.9, constantEnding: 0, warmupFactor: 0.001, warmupLength: 0 });
 * s(0.5); // 0.5^0.9 ≈ 0.5359
 * ```
 */
export function warmupPolyScheduler(args: WarmupPolySchedulerArgs): ParamScheduler {
  const power: number = rangeArg('warmupPolyScheduler.power', args.power, 0, Infinity);
  const ending: number = rangeArg('warmupPolyScheduler.constantEnding', args.constantEnding, 0, 1);
  const factor: number = rangeArg('warmupPolyScheduler.warmupFactor', args.warmupFactor, 0, Infinity);
  const length: number = rangeArg('warmupPolyScheduler.warmupLength', args.warmupLength, 0, Infinity);
  const linear: boolean = checkWarmupMethod(args.warmupMethod ?? 'linear', 'warmupPolyScheduler.warmupMethod', 'argument') === 'linear';
  return (where: number): number => {
    const poly: number = (1.0 - where) ** power;
    const warmup: number = where >= length ? 1.0 : linear ? factor * (1 - where / length) + where / length : factor;
    return ending > 0 && warmup === 1.0 && poly < ending ? ending : warmup * poly;
  };
}
