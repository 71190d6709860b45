import { SolverError } from '../errors.js';

/**
 * Renders a value for an error message: numbers as JavaScript prints them (`NaN`, `-1`),
 * arrays and objects as JSON, anything else with `String`.
 */
export function showValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.map(showValue).join(', ')}]`;
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** The `argument` error for `name` (`fn.arg`): names it, echoes `value`, states `rule`. */
export function argumentError(name: string, value: unknown, rule: string): SolverError {
  return new SolverError('argument', `${name}: got ${showValue(value)}, expected ${rule}`);
}

/** Returns `value` when it is a finite number, else throws naming `name`. */
export function finiteArg(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw argumentError(name, value, 'a finite number');
  return value;
}

/** Returns `value` when it is a finite number > 0, else throws naming `name`. */
export function positiveArg(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw argumentError(name, value, 'a finite number > 0');
  }
  return value;
}

/** Returns `value` when it is an integer >= `min`, else throws naming `name`. */
export function integerArg(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw argumentError(name, value, `an integer >= ${min}`);
  }
  return value;
}

/** Returns a copy of `value` when it is a non-empty array of finite numbers, else throws naming `name`. */
export function finiteListArg(name: string, value: unknown): readonly number[] {
  const ok: boolean = Array.isArray(value) && value.length > 0 && value.every((v: unknown) => typeof v === 'number' && Number.isFinite(v));
  if (!ok) throw argumentError(name, value, 'a non-empty array of finite numbers');
  return Object.freeze([...(value as number[])]);
}

/** Returns `value` when it is a finite number in [`min`, `max`], else throws naming `name`. */
export function rangeArg(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw argumentError(name, value, max === Infinity ? `a finite number >= ${min}` : `a number in [${min}, ${max}]`);
  }
  return value;
}

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
