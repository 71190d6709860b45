import type { SolverErrorKind } from './SolverErrorKind.js';

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
 * try { loadConfig('bad.yaml'); }
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
