/**
 * What went wrong, as a closed set so callers can branch on it without parsing messages.
 *
 * - `config`: a config file or override is malformed, unknown or out of range.
 * - `argument`: a function or constructor got a value outside its documented domain.
 * - `backend`: a TensorFlow.js backend is missing, failed to start or lacks a kernel.
 * - `nonFinite`: a gradient or loss was NaN or infinite and the policy says to stop.
 * - `state`: saved state (checkpoint, optimizer or scheduler state) does not fit what it is loaded into.
 * - `checkpoint`: a checkpoint file is missing, torn, or fails its checksum.
 * - `io`: reading or writing a file failed.
 * - `notImplemented`: the feature exists in the CLI or API surface but has not landed yet.
 *
 * Why: callers branch on what failed (a bad config, a missing backend, a torn checkpoint) without parsing messages.
 * @example
 * ```ts
 * try {
 *   parseConfig({ SOLVER: { BASE_LR: -1 } });
 * } catch (e) {
 *   if (SolverError.is(e, 'config')) console.error(e.message); // SOLVER.BASE_LR: got -1, expected …
 * }
 * ```
 */
export type SolverErrorKind = 'config' | 'argument' | 'backend' | 'nonFinite' | 'state' | 'checkpoint' | 'io' | 'notImplemented';

const isSolverErrorSymbol: unique symbol = Symbol.for('tfjs-solver/SolverError');

/**
 * The one error type every part of tfjs-solver throws.
 *
 * Why one type: callers catch a single class and branch on {@link SolverError.kind}; the
 * message always names the key, value or parameter at fault and the rule it broke.
 * Identity is checked by a `Symbol.for` brand ({@link SolverError.is}), not `instanceof`,
 * so two copies of the package in one process still recognise each other's errors.
 *
 * @example
 * ```ts
 * try { await loadConfig('bad.yaml'); }
 * catch (e) { if (SolverError.is(e, 'config')) console.error(e.message); }
 * ```
 */
export class SolverError extends Error {
  public readonly [isSolverErrorSymbol]: true;

  /**
   * @param kind what went wrong (see {@link SolverErrorKind}).
   * @param message a sentence naming the key, value or parameter at fault and the rule; cut to
   *   {@link MAX_MESSAGE_CHARS} characters.
   * @param options standard `ErrorOptions`; pass `cause` when wrapping another error.
   */
  public constructor(
    public readonly kind: SolverErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(capMessage(message), options);
    this[isSolverErrorSymbol] = true;
    this.name = 'SolverError';
  }

  /**
   * True when `value` is a SolverError (from any copy of this package), optionally of one kind.
   */
  public static is(value: unknown, kind?: SolverErrorKind): value is SolverError {
    if (typeof value !== 'object' || value === null) return false;
    const branded: boolean = (value as Partial<Record<symbol, unknown>>)[isSolverErrorSymbol] === true;
    return branded && (kind === undefined || (value as SolverError).kind === kind);
  }
}

/** Longest value shown in a message (longer ones are cut and end in `...`). */
export const MAX_VALUE_CHARS: number = 80;

/** Longest message a SolverError carries; a longer one is cut and says how much was left out. */
export const MAX_MESSAGE_CHARS: number = 2000;

function capMessage(message: string): string {
  const extra: number = message.length - MAX_MESSAGE_CHARS;
  return extra > 0 ? `${message.slice(0, MAX_MESSAGE_CHARS)}... (${extra} more characters)` : message;
}

function cut(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 3)}...` : text;
}

function jsonOf(value: object): string {
  try {
    const text: unknown = JSON.stringify(value, (_key: string, item: unknown) => {
      if (typeof item === 'number' && !Number.isFinite(item)) return String(item);
      if (typeof item === 'bigint' || typeof item === 'symbol' || typeof item === 'function') return String(item);
      return item;
    });
    return typeof text === 'string' ? text : Object.prototype.toString.call(value);
  } catch {
    // A value that contains itself, or whose toJSON throws.
    return Object.prototype.toString.call(value);
  }
}

/**
 * The one printer of values in messages: numbers as JavaScript writes them (`NaN`, `Infinity`,
 * `-1`), strings quoted, lists and mappings as JSON, `undefined` as `nothing`, symbols and
 * functions by name; never throws, and cut to {@link MAX_VALUE_CHARS} characters.
 */
export function formatValue(value: unknown): string {
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return 'nothing';
    case 'symbol':
      return cut(value.toString(), MAX_VALUE_CHARS);
    case 'function':
      return 'a function';
    case 'string':
      return cut(JSON.stringify(value), MAX_VALUE_CHARS);
    default:
      return value === null ? 'null' : cut(jsonOf(value as object), MAX_VALUE_CHARS);
  }
}
