import type { ParamScheduler } from './ParamScheduler.js';
import { finiteArg } from './schedulerArgs.js';

/** Arguments of {@link constantScheduler}. */
export interface ConstantSchedulerArgs {
  /** The value returned everywhere. */
  readonly value: number;
}

/**
 * The same value for the whole run (fvcore `ConstantParamScheduler`).
 *
 * Why: the constant stage of a warmup, and a building block of composites. NOTE: fvcore raises
 * at `where >= 1`; this one returns `value` on all of [0, 1] (SPEC §7: never crash at the end).
 *
 * @param args.value the value, a finite number.
 * @returns a scheduler that always returns `value`.
 * @throws SolverError('argument') when `value` is not a finite number.
 * @example
 * ```ts
 * constantScheduler({ value: 0.1 })(0.5); // 0.1
 * ```
 */
export function constantScheduler(args: ConstantSchedulerArgs): ParamScheduler {
  const value: number = finiteArg('constantScheduler.value', args.value);
  return () => value;
}
