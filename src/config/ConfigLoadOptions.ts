import type { Logger } from '../io/Logger.js';
import type { TextFileReader } from '../io/TextFileReader.js';

/** Options of `loadConfig`, `parseConfig` and `mergeConfig`. */
export interface ConfigLoadOptions {
  /** Receives the one warning that lists ignored sections of other tools. Default: silent. */
  readonly logger?: Logger;
  /** How files are read (`loadConfig` only). Default: the Node file system. */
  readonly reader?: TextFileReader;
}
