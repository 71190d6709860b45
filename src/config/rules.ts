import { formatValue, SolverError } from '../errors.js';

/**
 * The one vocabulary of value rules: the config schema is built from these rules, and the
 * scheduler factories check their arguments with the same rules, so a rule reads the same words
 * ("an integer > 0", "a finite number >= 0") wherever it is broken, and every value is shown by
 * the one printer, `formatValue`.
 *
 * Why in-house and not a schema library: the config is read by a browser app that builds an
 * optimizer from a plain object; a few dozen lines of combinators keep that bundle small, and
 * `Infer<typeof schema>` still derives the config type from the schema (one source of truth).
 */

/** One broken rule: the key path (`SOLVER.MAX_ITER`) and the text after `PATH: `. */
export interface RuleIssue {
  readonly path: string;
  readonly text: string;
}

/** Where a value is read: its key path, and the list broken rules are reported to. */
export interface RuleContext {
  readonly path: string;
  readonly issues: RuleIssue[];
}

/** Returned by {@link Rule.read} when the value broke the rule (the issue is already reported). */
export const INVALID: unique symbol = Symbol('invalid');

/**
 * A rule a value must follow: `expected` says it in words, `read` returns the accepted value (a
 * new, normalised one for tuples and lists) or reports an issue and returns {@link INVALID}.
 */
export interface Rule<T> {
  /** The rule in words, completing "expected …": `an integer > 0`. */
  readonly expected: string;
  read(value: unknown, context: RuleContext): T | typeof INVALID;
}

/** The value type a rule accepts: `Infer<typeof solverConfigSchema>` is the config type. */
export type Infer<R> = R extends Rule<infer T> ? T : never;

/** `PATH: got VALUE, expected RULE`'s tail for one value. */
function got(value: unknown, expected: string): string {
  return `got ${formatValue(value)}, expected ${expected}`;
}

function report(context: RuleContext, text: string): typeof INVALID {
  context.issues.push({ path: context.path, text });
  return INVALID;
}

/** A rule from a test and its words. */
export function check<T>(expected: string, test: (value: unknown) => value is T): Rule<T> {
  return {
    expected,
    read: (value: unknown, context: RuleContext): T | typeof INVALID => (test(value) ? value : report(context, got(value, expected))),
  };
}

const isFinite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** A finite number (no NaN, no ±Infinity). */
export function finite(): Rule<number> {
  return check('a finite number', isFinite);
}

/** A finite number >= `min` (or > `min` when `exclusive`). */
export function numberAtLeast(min: number, exclusive = false): Rule<number> {
  return check(
    `a finite number ${exclusive ? '>' : '>='} ${min}`,
    (v: unknown): v is number => isFinite(v) && (exclusive ? v > min : v >= min),
  );
}

/** A number in `[min, max]`, or `[min, max)` when `maxOpen`. */
export function numberIn(min: number, max: number, maxOpen = false): Rule<number> {
  return check(
    `a number in [${min}, ${max}${maxOpen ? ')' : ']'}`,
    (v: unknown): v is number => isFinite(v) && v >= min && (maxOpen ? v < max : v <= max),
  );
}

/** A safe integer >= `min` (worded "an integer > 0" for min 1). */
export function integerAtLeast(min: number): Rule<number> {
  const words: string = min === 1 ? 'an integer > 0' : `an integer >= ${min}`;
  return check(words, (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min);
}

/** Any safe integer (negative allowed). */
export function anyInteger(): Rule<number> {
  return check('an integer', (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v));
}

/** `true` or `false` (YAML 1.2 also reads `True`/`FALSE`; `yes`/`no` are strings). */
export function boolean(): Rule<boolean> {
  return check('true or false', (v: unknown): v is boolean => typeof v === 'boolean');
}

/** A non-empty string. */
export function nonEmptyString(): Rule<string> {
  return check('a non-empty string', (v: unknown): v is string => typeof v === 'string' && v !== '');
}

/** A function (a scheduler, a callback). */
export function callable<T>(words: string): Rule<T> {
  return check(words, (v: unknown): v is T => typeof v === 'function');
}

/**
 * One of `values`. The message is a whole sentence, the reference's wording:
 * `<label>: <value> (expected one of …)`, e.g. `Unknown LR scheduler: Foo (expected one of …)`.
 */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, label: string): Rule<T[number]> {
  const expected = `one of ${values.join(', ')}`;
  return {
    expected,
    read(value: unknown, context: RuleContext): T[number] | typeof INVALID {
      if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value;
      const shown: string = typeof value === 'string' && value.length <= 80 ? value : formatValue(value);
      return report(context, `${label}: ${shown} (expected ${expected})`);
    },
  };
}

/** `null`, or a value `rule` accepts. */
export function nullable<T>(rule: Rule<T>): Rule<T | null> {
  const expected = `null or ${rule.expected}`;
  return {
    expected,
    read: (value: unknown, context: RuleContext): T | null | typeof INVALID => {
      if (value === null) return null;
      const scratch: RuleContext = { path: context.path, issues: [] };
      const read = rule.read(value, scratch);
      return read === INVALID ? report(context, got(value, expected)) : read;
    },
  };
}

/** Reads a rule's value before checking it (e.g. a Python tuple string into a list). */
export function preprocess<T>(convert: (value: unknown) => unknown, rule: Rule<T>): Rule<T> {
  return { expected: rule.expected, read: (value: unknown, context: RuleContext) => rule.read(convert(value), context) };
}

/**
 * A list whose items each pass `item` and, as a whole, `whole`; reported as ONE issue worded
 * `expected` (a list is judged as a whole, so the message shows all of it).
 */
export function listOf<T>(item: Rule<T>, expected: string, whole: (items: readonly T[]) => boolean = () => true): Rule<readonly T[]> {
  return {
    expected,
    read(value: unknown, context: RuleContext): readonly T[] | typeof INVALID {
      if (!Array.isArray(value)) return report(context, got(value, expected));
      const scratch: RuleContext = { path: context.path, issues: [] };
      const items: T[] = [];
      for (const entry of value as readonly unknown[]) {
        const read = item.read(entry, scratch);
        if (read === INVALID) return report(context, got(value, expected));
        items.push(read);
      }
      return whole(items) ? items : report(context, got(value, expected));
    },
  };
}

/** Strictly increasing integers >= `min`, e.g. `SOLVER.STEPS` (min 1) or milestones. */
export function increasingIntegers(min: number, expected: string): Rule<readonly number[]> {
  return listOf(integerAtLeast(min), expected, (items: readonly number[]) =>
    items.every((v: number, i: number) => i === 0 || v > (items[i - 1] ?? 0)),
  );
}

/** A non-empty list of finite numbers. */
export function finiteList(): Rule<readonly number[]> {
  return listOf(finite(), 'a non-empty array of finite numbers', (items: readonly number[]) => items.length > 0);
}

/** Exactly two values `item` accepts, e.g. Adam's betas. */
export function pairOf<T>(item: Rule<T>, expected: string): Rule<readonly [T, T]> {
  const list = listOf(item, expected, (items: readonly T[]) => items.length === 2);
  return list as unknown as Rule<readonly [T, T]>;
}

/** A mapping of rules; the type of `object({ A: integerAtLeast(1) })` is `{ readonly A: number }`. */
export type Shape = Readonly<Record<string, Rule<unknown>>>;

/** The value an {@link object} rule of `S` accepts. */
export type ShapeValue<S extends Shape> = { readonly [K in keyof S]: Infer<S[K]> };

/**
 * A mapping with the keys of `shape`, each read by its rule (in shape order, every broken rule
 * reported); keys not in `shape` are left out of the result. The result is a new object.
 */
export function object<S extends Shape>(shape: S, expected = 'a mapping of keys'): Rule<ShapeValue<S>> {
  return {
    expected,
    read(value: unknown, context: RuleContext): ShapeValue<S> | typeof INVALID {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return report(context, got(value, expected));
      const source = value as Readonly<Record<string, unknown>>;
      const result: Record<string, unknown> = {};
      let ok = true;
      for (const key of Object.keys(shape)) {
        const rule: Rule<unknown> | undefined = shape[key];
        if (rule === undefined) continue;
        const path: string = context.path === '' ? key : `${context.path}.${key}`;
        const own: unknown = Object.prototype.hasOwnProperty.call(source, key) ? source[key] : undefined;
        const read: unknown = rule.read(own, { path, issues: context.issues });
        if (read === INVALID) ok = false;
        else result[key] = read;
      }
      return ok ? (result as ShapeValue<S>) : INVALID;
    },
  };
}

/** The `argument` error for `name`: names it, shows `value`, states `expected`. */
export function argumentError(name: string, value: unknown, expected: string): SolverError {
  return new SolverError('argument', `${name}: ${got(value, expected)}`);
}

/**
 * Returns `value` when `rule` accepts it (the normalised value), else throws the `argument`
 * error naming `name`: how factories check their arguments, with the config's words.
 *
 * @throws SolverError kind `argument`: `cosineScheduler.startValue: got NaN, expected a finite number`.
 */
export function readArg<T>(name: string, value: unknown, rule: Rule<T>): T {
  const context: RuleContext = { path: name, issues: [] };
  const read = rule.read(value, context);
  if (read !== INVALID) return read;
  const issue: RuleIssue | undefined = context.issues[0];
  throw new SolverError('argument', issue === undefined ? `${name}: ${got(value, rule.expected)}` : `${issue.path}: ${issue.text}`);
}
