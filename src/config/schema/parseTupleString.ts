import { parse } from 'yaml';

const TUPLE: RegExp = /^\s*\((.*)\)\s*$/s;

/**
 * Reads detectron2's Python tuple spelling of a list, `(60000, 80000)` or `(1500,)`, which YAML
 * parses as a plain string. Any other value is returned as it is.
 *
 * Why: detectron2's own files write `STEPS: (60000, 80000)`; they must load unchanged.
 * The inside is read as a YAML flow sequence, so `(1e-3, 2)` holds numbers.
 *
 * @example parseTupleString('(60000, 80000)') // [60000, 80000]
 */
export function parseTupleString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const match: RegExpExecArray | null = TUPLE.exec(value);
  const inside: string | undefined = match?.[1];
  if (inside === undefined) return value;
  try {
    const list: unknown = parse(`[${inside}]`, { version: '1.2' });
    return Array.isArray(list) ? list : value;
  } catch {
    return value;
  }
}
