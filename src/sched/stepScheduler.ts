import type { ParamScheduler } from './ParamScheduler.js';
import { WHERE_EPSILON } from './ParamScheduler.js';
import { finiteListArg, positiveArg } from './schedulerArgs.js';

/** Arguments of {@link stepScheduler}. */
export interface StepSchedulerArgs {
  /** Length of the run in updates; fvcore checks it but the value does not change the result. */
  readonly numUpdates: number;
  /** The values, each held for an equal share of the run. */
  readonly values: readonly number[];
}

/**
 * Equal-length steps through `values`: `values[floor((where + 1e-6) · len(values))]`
 * (fvcore `StepParamScheduler`).
 *
 * Why: a step decay whose steps are evenly spaced. NOTE: at `where = 1` fvcore indexes past the
 * end of its list (SPEC §7); here the index is clamped, so the value there is the last value.
 *
 * @param args.numUpdates a finite number > 0 (kept for fvcore parity).
 * @param args.values a non-empty array of finite numbers (copied).
 * @returns the scheduler.
 * @throws SolverError('argument') when `numUpdates` is not > 0 or `values` is empty or not numbers.
 * @example
 * ```ts
 * const s = stepScheduler({ numUpdates: 12, values: [0.1, 0.01, 0.001, 0.0001] });
 * s(0.2); // 0.1  (epochs 0-2 of 12)
 * s(0.25); // 0.01 (epochs 3-5)
 * s(1); // 0.0001
 * ```
 */
export function stepScheduler(args: StepSchedulerArgs): ParamScheduler {
  positiveArg('stepScheduler.numUpdates', args.numUpdates);
  const values: readonly number[] = finiteListArg('stepScheduler.values', args.values);
  const count: number = values.length;
  const last: number = count - 1;
  return (where: number): number => {
    const index: number = Math.trunc((where + WHERE_EPSILON) * count);
    return values[index < last ? index : last] ?? NaN;
  };
}
