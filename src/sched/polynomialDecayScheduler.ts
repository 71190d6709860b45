import type { ParamScheduler } from './ParamScheduler.js';
import { finiteArg, rangeArg } from './schedulerArgs.js';

/** Arguments of {@link polynomialDecayScheduler}. */
export interface PolynomialDecaySchedulerArgs {
  /** Value at `where = 0`. */
  readonly baseValue: number;
  /** Exponent of `(1 − where)`, finite and >= 0. */
  readonly power: number;
}

/**
 * Polynomial decay `baseValue · (1 − where)^power` (fvcore `PolynomialDecayParamScheduler`).
 *
 * Why: the "poly" schedule of semantic segmentation (DeepLab), without warmup; reaches 0 at the end.
 *
 * @param args.baseValue value at the start, finite.
 * @param args.power the exponent, finite and >= 0 (a negative power would blow up at the end).
 * @returns the scheduler.
 * @throws SolverError('argument') when `baseValue` is not finite or `power` is negative or not finite.
 * @example
 * ```ts
 * polynomialDecayScheduler({ baseValue: 0.1, power: 1 })(0.3); // 0.07
 * ```
 */
export function polynomialDecayScheduler(args: PolynomialDecaySchedulerArgs): ParamScheduler {
  const base: number = finiteArg('polynomialDecayScheduler.baseValue', args.baseValue);
  const power: number = rangeArg('polynomialDecayScheduler.power', args.power, 0, Infinity);
  return (where: number): number => base * (1 - where) ** power;
}
