import type { TextFileReader } from '../io/TextFileReader.js';
import type { ConfigLoadOptions } from './ConfigLoadOptions.js';
import { DEFAULT_CONFIG } from './defaults.js';
import { overridesToLayer } from './overridesToLayer.js';
import { readConfigLayers } from './readConfigLayers.js';
import { resolveConfig } from './resolveConfig.js';
import type { SolverConfig } from './SolverConfig.js';

/**
 * Loads a detectron2-style YAML config: the defaults, then the `_BASE_` chain (recursive, relative
 * to each file), then the file, then `overrides` as detectron2's `--opts`; validated and deeply frozen.
 *
 * Why: a detectron2 file (`SOLVER:` block, `STEPS: (60000, 80000)` tuples, `MODEL`/`DATASETS`
 * sections) loads unchanged; what is ours is checked strictly, what is not is ignored with one warning.
 *
 * NOTE: without `options.reader` the Node file system is imported on demand, so this module itself
 * has no static Node import and stays usable in a browser with a reader of its own.
 *
 * @param path the YAML file.
 * @param overrides `KEY VALUE` pairs, values parsed as YAML; default none.
 * @param options `logger` (for the ignored-sections warning), `reader` (default: Node `fs`).
 * @returns the validated, deeply frozen config.
 * @throws SolverError kind `config` naming key path, value, rule and file; kind `io` for unreadable files.
 * @example
 * ```ts
 * const config = await loadConfig('configs/default.yaml', ['SOLVER.BASE_LR', '0.02']);
 * config.SOLVER.BASE_LR; // 0.02
 * ```
 */
export async function loadConfig(
  path: string,
  overrides: readonly string[] = [],
  options: ConfigLoadOptions = {},
): Promise<SolverConfig> {
  const reader: TextFileReader = options.reader ?? (await import('../io/nodeTextFileReader.js')).nodeTextFileReader;
  const layers = await readConfigLayers(path, reader);
  return resolveConfig(DEFAULT_CONFIG, [...layers, overridesToLayer(overrides)], options.logger);
}
