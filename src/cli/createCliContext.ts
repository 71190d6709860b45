import type { SolverConfig } from '../config/SolverConfig.js';
import type { CliContext } from './CliContext.js';
import type { CliServices } from './CliServices.js';
import type { CliStreams } from './CliStreams.js';
import type { CommonOptions } from './CommonOptions.js';
import { stderrLogger } from './stderrLogger.js';

/** Builds the {@link CliContext} a command runs with, from the parsed common flags. */
export function createCliContext(options: CommonOptions, streams: CliStreams, services: CliServices): CliContext {
  const logger = stderrLogger(streams.stderr);
  const overrides: readonly string[] =
    options.backend === undefined ? options.opts : [...options.opts, 'TRAIN.BACKEND', options.backend];
  let config: Promise<SolverConfig> | undefined;
  const loadConfig = (): Promise<SolverConfig> => {
    config ??= services.loadConfig(options.config, overrides, logger);
    return config;
  };
  return {
    json: options.json,
    verbose: options.verbose,
    logger,
    output(human: string, data: unknown): void {
      const text: string = options.json ? JSON.stringify(data) : human;
      streams.stdout(text.endsWith('\n') ? text : `${text}\n`);
    },
    loadConfig,
    async selectBackend(): Promise<string> {
      const loaded: SolverConfig = await loadConfig();
      return services.selectBackend(loaded.TRAIN.BACKEND, logger);
    },
  };
}
