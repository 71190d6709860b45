import { SolverError } from '../errors/SolverError.js';
import { checkCrossFieldRules } from './checkCrossFieldRules.js';
import { deepFreeze } from './deepFreeze.js';
import { formatConfigIssue } from './formatConfigIssue.js';
import type { MergedConfig } from './MergedConfig.js';
import { solverConfigSchema } from './schema/solverConfigSchema.js';
import type { SolverConfig } from './SolverConfig.js';

/**
 * Checks merged config data against every rule and returns it as a deeply frozen {@link SolverConfig}.
 *
 * @param merged the merged data and the source of each key (for messages).
 * @returns a new, deeply frozen config.
 * @throws SolverError kind `config` for the first broken rule; when several keys are wrong, all
 *   messages are joined with `; `, in key order.
 */
export function validateConfig(merged: MergedConfig): SolverConfig {
  const result = solverConfigSchema.safeParse(merged.data, { reportInput: true });
  if (!result.success) {
    const lines: string[] = result.error.issues.map((issue) => formatConfigIssue(issue, merged.origins));
    throw new SolverError('config', lines.join('; '));
  }
  checkCrossFieldRules(result.data, merged.origins);
  return deepFreeze(result.data);
}
