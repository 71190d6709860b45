import type { BackendName } from '../backend/BackendName.js';
import type { CommonOptions } from './CommonOptions.js';

/**
 * Picks the common flags out of commander's parsed options, with their defaults.
 * Commander has already checked their shapes (`--backend` choices, `--opts` variadic).
 */
export function readCommonOptions(options: Readonly<Record<string, unknown>>): CommonOptions {
  const { config, opts, backend, json, verbose } = options;
  return {
    config: typeof config === 'string' ? config : undefined,
    opts: Array.isArray(opts) ? opts.map(String) : [],
    backend: typeof backend === 'string' ? (backend as BackendName) : undefined,
    json: json === true,
    verbose: verbose === true,
  };
}
