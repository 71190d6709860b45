import type { SolverConfig } from '../config/SolverConfig.js';
import type { Logger } from '../io/Logger.js';

/**
 * Everything a subcommand gets from the CLI shell, so a command file only parses its own flags
 * and does its work (see docs/cli.md).
 *
 * The shell has already handled the common flags (`--config`, `--opts`, `--backend`, `--json`,
 * `--verbose`), error reporting and exit codes. A command throws a `SolverError` to fail: the shell
 * prints its message as one line on stderr and exits with code 2.
 */
export interface CliContext {
  /** True with `--json`: write results with {@link CliContext.output} only, as one JSON document. */
  readonly json: boolean;
  /** True with `--verbose`: log more, and print stack traces of errors. */
  readonly verbose: boolean;
  /** Logs to stderr (never stdout, so `--json` output stays parseable). */
  readonly logger: Logger;
  /**
   * Writes a command's result to stdout: `JSON.stringify(data)` plus a newline with `--json`,
   * otherwise `human` (a newline is added when missing).
   */
  output(human: string, data: unknown): void;
  /**
   * The config from `--config FILE` (or the defaults without it), with `--opts KEY VALUE ...`
   * applied and then `--backend` as `TRAIN.BACKEND`. Loaded once; later calls return the same object.
   * @throws SolverError kind `config` for any invalid file or override.
   */
  loadConfig(): Promise<SolverConfig>;
  /**
   * Activates the backend named by the loaded config's `TRAIN.BACKEND` (so `--backend` wins)
   * and returns the name of the backend that is now active (`tensorflow`, `wasm` or `cpu`).
   * @throws SolverError kind `backend` when the named backend is not installed.
   */
  selectBackend(): Promise<string>;
}
