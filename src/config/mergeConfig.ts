import { SolverError } from '../errors/SolverError.js';
import type { ConfigLoadOptions } from './ConfigLoadOptions.js';
import { formatValue } from './formatValue.js';
import { isMapping } from './isMapping.js';
import { rejectUnsafeKeys } from './rejectUnsafeKeys.js';
import { resolveConfig } from './resolveConfig.js';
import type { SolverConfig } from './SolverConfig.js';

/**
 * A new config: `base` with `patch` deep-merged over it and validated again; `base` is untouched.
 *
 * Why: configs are frozen, so a variant (another LR, clipping on) is derived, never mutated.
 *
 * @param base a valid config (e.g. `DEFAULT_CONFIG` or a loaded one).
 * @param patch the keys to change, as in a YAML file: `{ SOLVER: { BASE_LR: 0.1 } }`.
 * @param source how messages name `patch`; default `patch`.
 * @param options `logger` for the ignored-sections warning.
 * @returns the validated, deeply frozen config.
 * @throws SolverError kind `config` naming key path, value, rule and source.
 * @example
 * ```ts
 * const clipped = mergeConfig(DEFAULT_CONFIG, { SOLVER: { CLIP_GRADIENTS: { ENABLED: true } } });
 * ```
 */
export function mergeConfig(
  base: SolverConfig,
  patch: unknown,
  source: string = 'patch',
  options: ConfigLoadOptions = {},
): SolverConfig {
  if (!isMapping(patch)) {
    throw new SolverError('config', `${source}: got ${formatValue(patch)}, expected a mapping of config keys`);
  }
  rejectUnsafeKeys(patch, source);
  return resolveConfig(base, [{ source, data: patch }], options.logger);
}
