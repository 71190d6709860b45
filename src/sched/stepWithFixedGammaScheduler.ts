import type { ParamScheduler } from './ParamScheduler.js';
import { integerArg, positiveArg } from './schedulerArgs.js';
import { stepScheduler } from './stepScheduler.js';

/** Arguments of {@link stepWithFixedGammaScheduler}. */
export interface StepWithFixedGammaSchedulerArgs {
  /** Value of the first step. */
  readonly baseValue: number;
  /** How many times the value is multiplied by `gamma`. */
  readonly numDecays: number;
  /** The factor of each decay. */
  readonly gamma: number;
  /** Length of the run in updates. */
  readonly numUpdates: number;
}

/**
 * `numDecays + 1` equal steps through `[base, base·γ, base·γ·γ, …]` (fvcore
 * `StepWithFixedGammaParamScheduler`); the values are built by repeated multiplication, as fvcore does.
 *
 * Why: detectron2's `WarmupStepWithFixedGammaLR`.
 *
 * @param args.baseValue first value, finite and > 0.
 * @param args.numDecays number of decays, an integer >= 1.
 * @param args.gamma decay factor, finite and > 0.
 * @param args.numUpdates run length, an integer >= 1.
 * @returns the scheduler.
 * @throws SolverError('argument') naming the first argument that breaks its rule.
 * @example
 * ```ts
 * const s = stepWithFixedGammaScheduler({ baseValue: 1, numDecays: 3, gamma: 0.1, numUpdates: 12 });
 * s(0); // 1
 * s(0.25); // 0.1
 * s(0.75); // 0.001 (≈, by repeated multiplication)
 * ```
 */
export function stepWithFixedGammaScheduler(args: StepWithFixedGammaSchedulerArgs): ParamScheduler {
  const base: number = positiveArg('stepWithFixedGammaScheduler.baseValue', args.baseValue);
  const gamma: number = positiveArg('stepWithFixedGammaScheduler.gamma', args.gamma);
  const numDecays: number = integerArg('stepWithFixedGammaScheduler.numDecays', args.numDecays, 1);
  const numUpdates: number = integerArg('stepWithFixedGammaScheduler.numUpdates', args.numUpdates, 1);
  const values: number[] = [base];
  for (let k = 0; k < numDecays; k += 1) values.push((values[k] ?? NaN) * gamma);
  return stepScheduler({ numUpdates, values });
}
