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
   * @param message a sentence naming the key, value or parameter at fault and the rule.
   * @param options standard `ErrorOptions`; pass `cause` when wrapping another error.
   */
  public constructor(
    public readonly kind: SolverErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
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

/**
 * Renders a config value for an error message: numbers as written (`Infinity` included), strings
 * quoted, lists and mappings as JSON, cut to 80 characters.
 */
export function formatValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  let text: string;
  try {
    text = JSON.stringify(value, (_key: string, item: unknown) =>
      typeof item === 'number' && !Number.isFinite(item) ? String(item) : item,
    );
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
