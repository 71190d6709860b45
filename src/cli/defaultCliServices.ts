import { loadConfig } from '../config/loadConfig.js';
import { parseConfig } from '../config/parseConfig.js';
import { selectBackend } from '../backend/selectBackend.js';
import { nodeTextFileReader } from '../io/nodeTextFileReader.js';
import type { CliServices } from './CliServices.js';

/** The real library calls behind the CLI: config loading from disk and backend selection. */
export const defaultCliServices: CliServices = Object.freeze({
  async loadConfig(path, overrides, logger) {
    if (path === undefined) return parseConfig({}, 'defaults', overrides, { logger });
    return loadConfig(path, overrides, { logger, reader: nodeTextFileReader });
  },
  async selectBackend(name, logger) {
    return (await selectBackend(name, { logger })).name;
  },
} satisfies CliServices);
