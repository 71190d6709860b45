import { SolverError } from '../errors/index.js';
import { showValue } from './schedulerArgs.js';

/**
 * What {@link LrMultiplier.state} saves and {@link LrMultiplier.loadState} restores: enough to
 * continue a run exactly (the schedule itself is a pure function and is rebuilt from the config).
 */
export interface LrMultiplierState {
  /** The iteration whose LR is applied next (0-based; = number of completed steps). */
  readonly iteration: number;
  /** Each group's base LR when the state was saved. */
  readonly baseLearningRates: readonly number[];
  /** `MAX_ITER` of the run that saved the state. */
  readonly maxIter: number;
}

function stateError(key: string, value: unknown, rule: string): SolverError {
  const field: string = key === '' ? '' : ` ${key}`;
  return new SolverError('state', `LR multiplier state${field}: got ${showValue(value)}, expected ${rule}`);
}

/**
 * Checks that `value` is a well-formed {@link LrMultiplierState} for `groups` parameter groups
 * and returns a frozen copy.
 *
 * @throws SolverError('state') naming the first field that is missing or wrong.
 */
export function parseLrMultiplierState(value: unknown, groups: number): LrMultiplierState {
  if (typeof value !== 'object' || value === null) throw stateError('', value, 'an object');
  const raw: Partial<Record<keyof LrMultiplierState, unknown>> = value;
  const { iteration, baseLearningRates, maxIter } = raw;
  if (typeof iteration !== 'number' || !Number.isSafeInteger(iteration) || iteration < 0) {
    throw stateError('iteration', iteration, 'an integer >= 0');
  }
  if (typeof maxIter !== 'number' || !Number.isSafeInteger(maxIter) || maxIter < 1) {
    throw stateError('maxIter', maxIter, 'an integer >= 1');
  }
  const ok: boolean =
    Array.isArray(baseLearningRates) &&
    baseLearningRates.length === groups &&
    baseLearningRates.every((lr: unknown) => typeof lr === 'number' && Number.isFinite(lr) && lr >= 0);
  if (!ok) throw stateError('baseLearningRates', baseLearningRates, `${groups} finite numbers >= 0 (one per group)`);
  return Object.freeze({ iteration, maxIter, baseLearningRates: Object.freeze([...(baseLearningRates as number[])]) });
}
