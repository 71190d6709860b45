import type { Logger } from '../io/Logger.js';
import { silentLogger } from '../io/silentLogger.js';
import type { ConfigLayer } from './ConfigLayer.js';
import { mergeLayers, type OwnedLayer } from './mergeLayers.js';
import type { SolverConfig } from './SolverConfig.js';
import { splitForeignKeys } from './splitForeignKeys.js';
import { validateConfig } from './validateConfig.js';

/**
 * The shared core of `loadConfig`, `parseConfig` and `mergeConfig`: checks each layer's keys, drops
 * other tools' sections with ONE warning that lists them all, merges the layers over `base`, validates.
 *
 * @param base the values below the first layer (the defaults, or a config being patched).
 * @param layers the layers in merge order (bases, file, overrides).
 * @param logger receives the warning; default silent.
 * @returns a deeply frozen, validated config.
 * @throws SolverError kind `config` naming the key path, the value, the rule and the source.
 */
export function resolveConfig(
  base: SolverConfig,
  layers: readonly ConfigLayer[],
  logger: Logger = silentLogger,
): SolverConfig {
  const owned: OwnedLayer[] = [];
  const foreign: string[] = [];
  const foreignSources: string[] = [];
  for (const layer of layers) {
    const split = splitForeignKeys(layer);
    owned.push({ source: layer.source, owned: split.owned });
    for (const key of split.foreign) if (!foreign.includes(key)) foreign.push(key);
    if (split.foreign.length > 0) foreignSources.push(layer.source);
  }
  const config: SolverConfig = validateConfig(mergeLayers(base as unknown as Record<string, unknown>, owned));
  if (foreign.length > 0) {
    logger.warn(`ignored keys that belong to other tools: ${foreign.join(', ')} (in ${foreignSources.join(', ')})`);
  }
  return config;
}
