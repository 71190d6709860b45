import { SolverError } from '../errors/SolverError.js';
import type { ConfigLoadOptions } from './ConfigLoadOptions.js';
import { DEFAULT_CONFIG } from './defaults.js';
import { isMapping } from './isMapping.js';
import { formatValue } from './formatValue.js';
import { overridesToLayer } from './overridesToLayer.js';
import { rejectUnsafeKeys } from './rejectUnsafeKeys.js';
import { resolveConfig } from './resolveConfig.js';
import type { SolverConfig } from './SolverConfig.js';

/**
 * Builds a config from data already in memory (a parsed YAML document, an object literal), with the
 * same rules as {@link loadConfig} but no file access: the defaults, then `data`, then `overrides`.
 *
 * Why: browsers have no file system, and tests and examples build configs inline.
 * A `_BASE_` key is refused here (there is nothing to resolve it against); use `loadConfig` with a reader.
 *
 * @param data a mapping of config keys, e.g. `{ SOLVER: { BASE_LR: 0.02, STEPS: '(100, 200)' } }`.
 * @param source how messages name `data`; default `config`.
 * @param overrides `KEY VALUE` pairs as detectron2's `--opts`; default none.
 * @param options `logger` for the ignored-sections warning.
 * @returns the validated, deeply frozen config.
 * @throws SolverError kind `config` naming key path, value, rule and source.
 * @example
 * ```ts
 * parseConfig({ SOLVER: { MAX_ITER: 2000, STEPS: '(1500,)' } }).SOLVER.STEPS; // [1500]
 * ```
 */
export function parseConfig(
  data: unknown,
  source: string = 'config',
  overrides: readonly string[] = [],
  options: ConfigLoadOptions = {},
): SolverConfig {
  if (!isMapping(data)) {
    throw new SolverError('config', `${source}: got ${formatValue(data)}, expected a mapping of config keys at the top level`);
  }
  if (data._BASE_ !== undefined) {
    throw new SolverError('config', `_BASE_: not supported by parseConfig (in ${source}); use loadConfig with a reader`);
  }
  rejectUnsafeKeys(data, source);
  return resolveConfig(DEFAULT_CONFIG, [{ source, data }, overridesToLayer(overrides)], options.logger);
}
