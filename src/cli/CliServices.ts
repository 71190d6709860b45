import type { SolverConfig } from '../config/SolverConfig.js';
import type { Logger } from '../io/Logger.js';
import type { BackendName } from '../backend/BackendName.js';

/**
 * The library calls the CLI shell makes on a command's behalf. Injectable so tests can run
 * `main()` without touching the disk or initialising a backend.
 */
export interface CliServices {
  /** Loads `path` (or the defaults when undefined) and applies the KEY VALUE `overrides`. */
  loadConfig(path: string | undefined, overrides: readonly string[], logger: Logger): Promise<SolverConfig>;
  /** Activates `name` and resolves to the active backend's name. */
  selectBackend(name: BackendName, logger: Logger): Promise<string>;
}
