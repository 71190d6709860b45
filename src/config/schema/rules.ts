import { z } from 'zod';
import { formatValue } from '../formatValue.js';
import { parseTupleString } from './parseTupleString.js';

// The field schemas of the config. Each error message is the rule the value broke
// ("an integer > 0"); formatConfigIssue turns it into "KEY: got VALUE, expected RULE".
// Enum schemas (issue code invalid_value) instead write a whole sentence after the key.

/** An integer >= `min` (written "an integer > 0" for min 1). */
export function integerAtLeast(min: number): z.ZodNumber {
  const rule: string = min === 1 ? 'an integer > 0' : `an integer >= ${min}`;
  return z.number({ error: rule }).int({ error: rule }).gte(min, { error: rule });
}

/** Any integer (negative allowed). */
export function anyInteger(): z.ZodNumber {
  return z.number({ error: 'an integer' }).int({ error: 'an integer' });
}

/** A finite number >= `min`, or > `min` when `exclusive`. */
export function numberAtLeast(min: number, exclusive: boolean = false): z.ZodNumber {
  const rule: string = `a number ${exclusive ? '>' : '>='} ${min}`;
  const base: z.ZodNumber = z.number({ error: rule });
  return exclusive ? base.gt(min, { error: rule }) : base.gte(min, { error: rule });
}

/** A finite number in `[min, max]`. */
export function numberInClosed(min: number, max: number): z.ZodNumber {
  const rule: string = `a number in [${min}, ${max}]`;
  return z.number({ error: rule }).gte(min, { error: rule }).lte(max, { error: rule });
}

/** A finite number in `[min, max)`. */
export function numberInHalfOpen(min: number, max: number): z.ZodNumber {
  const rule: string = `a number in [${min}, ${max})`;
  return z.number({ error: rule }).gte(min, { error: rule }).lt(max, { error: rule });
}

/** `true` or `false` (YAML 1.2 also reads `True`/`FALSE`; `yes`/`no` are strings). */
export function boolean(): z.ZodBoolean {
  return z.boolean({ error: 'true or false' });
}

/** A non-empty string. */
export function nonEmptyString(): z.ZodString {
  return z.string({ error: 'a non-empty string' }).min(1, { error: 'a non-empty string' });
}

/**
 * One of `values`. The message is a whole sentence: `<unknownLabel>: <value> (expected one of …)`,
 * e.g. `Unknown LR scheduler: Foo`, the reference's wording.
 */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, unknownLabel: string): z.ZodEnum<{ [K in T[number]]: K }> {
  const expected: string = `expected one of ${values.join(', ')}`;
  return z.enum(values, {
    error: (issue: { input?: unknown }) => {
      const shown: string = typeof issue.input === 'string' ? issue.input : formatValue(issue.input);
      return `${unknownLabel}: ${shown} (${expected})`;
    },
  });
}

/** A list (a YAML sequence or a Python tuple string) of strictly increasing integers >= 0. */
export function increasingIntegers(): z.ZodType<readonly number[]> {
  const rule: string = 'a list of strictly increasing integers >= 0, like [60000, 80000] or (60000, 80000)';
  const list = z
    .array(z.number({ error: rule }).int({ error: rule }).gte(0, { error: rule }), { error: rule })
    .refine((items: number[]) => items.every((item: number, i: number) => i === 0 || item > (items[i - 1] ?? 0)), {
      error: rule,
    });
  return z.preprocess(parseTupleString, list);
}

/** A pair of numbers in [0, 1) (Adam's betas), as a list or a Python tuple string. */
export function betaPair(): z.ZodType<readonly [number, number]> {
  const rule: string = 'two numbers in [0, 1), like [0.9, 0.999]';
  const beta: z.ZodNumber = z.number({ error: rule }).gte(0, { error: rule }).lt(1, { error: rule });
  return z.preprocess(parseTupleString, z.tuple([beta, beta], { error: rule }));
}

/** A p-norm order: a number >= 1, or infinity (`inf`, `.inf`, `Infinity` in YAML). */
export function normOrder(): z.ZodType<number> {
  const rule: string = 'a number >= 1 or inf';
  const toNumber = (value: unknown): unknown =>
    typeof value === 'string' && /^[+]?\.?inf(inity)?$/i.test(value.trim()) ? Infinity : value;
  return z.preprocess(toNumber, z.custom<number>((value: unknown) => typeof value === 'number' && value >= 1, { error: rule }));
}
