import type { z } from 'zod';
import { formatValue } from './formatValue.js';
import { originOf } from './originOf.js';

/**
 * Turns one zod issue into our message: `SOLVER.MAX_ITER: got -5, expected an integer > 0 (in a.yaml)`.
 * Enum rules (issue code `invalid_value`) carry a whole sentence, e.g.
 * `SOLVER.WARMUP_METHOD: Unknown warmup method: cosine (expected one of linear, constant)`.
 *
 * @param issue a zod issue from parsing with `reportInput: true`.
 * @param origins key path → source, for the ` (in FILE)` suffix.
 */
export function formatConfigIssue(issue: z.core.$ZodIssue, origins: ReadonlyMap<string, string>): string {
  const path: string = issue.path.map(String).join('.');
  const where: string = originOf(path, origins);
  if (issue.code === 'invalid_value') return `${path}: ${issue.message}${where}`;
  return `${path}: got ${formatValue(issue.input)}, expected ${issue.message}${where}`;
}
