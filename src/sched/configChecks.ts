import { SolverError } from '../errors/index.js';
import { showValue } from './schedulerArgs.js';

/** The `config` error for `SOLVER.<key>`: names the key, echoes the value, states the rule. */
export function configError(key: string, value: unknown, rule: string): SolverError {
  return new SolverError('config', `SOLVER.${key}: got ${showValue(value)}, expected ${rule}`);
}

/** Returns `value` when it is an integer >= `min`, else throws naming `SOLVER.<key>`. */
export function configInteger(key: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw configError(key, value, min === 1 ? 'an integer > 0' : `an integer >= ${min}`);
  }
  return value;
}

/** Returns `value` when it is a finite number in [`min`, `max`] (and > `min` when `open`), else throws naming `SOLVER.<key>`. */
export function configNumber(key: string, value: unknown, min: number, max: number, open = false): number {
  const ok: boolean = typeof value === 'number' && Number.isFinite(value) && (open ? value > min : value >= min) && value <= max;
  if (!ok) {
    const low: string = open ? `> ${min}` : `>= ${min}`;
    throw configError(key, value, max === Infinity ? `a finite number ${low}` : `a number in [${min}, ${max}]`);
  }
  return value as number;
}
