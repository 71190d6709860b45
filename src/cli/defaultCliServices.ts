import { DEFAULT_CONFIG } from '../config/defaults.js';
import { SolverError } from '../errors/SolverError.js';
import type { CliServices } from './CliServices.js';

/** The real library calls behind the CLI: config loading from disk and backend selection. */
export const defaultCliServices: CliServices = Object.freeze({
  loadConfig(path: string | undefined, overrides: readonly string[]) {
    if (path === undefined && overrides.length === 0) return Promise.resolve(DEFAULT_CONFIG);
    return Promise.reject(new SolverError('notImplemented', 'config loading has not landed yet (issue 2)'));
  },
  selectBackend() {
    return Promise.reject(new SolverError('notImplemented', 'backend selection has not landed yet (issue 2)'));
  },
});
