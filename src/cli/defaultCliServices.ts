import { loadConfig } from '../config/loadConfig.js';
import { parseConfig } from '../config/parseConfig.js';
import { SolverError } from '../errors/SolverError.js';
import { nodeTextFileReader } from '../io/nodeTextFileReader.js';
import type { CliServices } from './CliServices.js';

/** The real library calls behind the CLI: config loading from disk and backend selection. */
export const defaultCliServices: CliServices = Object.freeze({
  async loadConfig(path, overrides, logger) {
    if (path === undefined) return parseConfig({}, 'defaults', overrides, { logger });
    return loadConfig(path, overrides, { logger, reader: nodeTextFileReader });
  },
  selectBackend() {
    return Promise.reject(new SolverError('notImplemented', 'backend selection has not landed yet (issue 2)'));
  },
} satisfies CliServices);
