import { SolverError } from '../errors/SolverError.js';

const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Throws when any mapping in `value` has a key `__proto__`, `constructor` or `prototype`.
 *
 * Why: merging such a key into an object is the classic prototype-pollution attack; no config key
 * is spelled like that, so refusing them costs nothing.
 *
 * @param value a parsed YAML document or override value.
 * @param source the file (or `--opts`) it came from, for the message.
 * @param path the key path of `value` itself (empty for a whole document).
 * @throws SolverError kind `config`: `SOLVER.__proto__: key refused in a.yaml (...)`.
 */
export function rejectUnsafeKeys(value: unknown, source: string, path: string = ''): void {
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    const childPath: string = path === '' ? key : `${path}.${key}`;
    if (UNSAFE_KEYS.has(key)) {
      throw new SolverError(
        'config',
        `${childPath}: key refused in ${source} (__proto__, constructor and prototype are never config keys)`,
      );
    }
    rejectUnsafeKeys(child, source, childPath);
  }
}
