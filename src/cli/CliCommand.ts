import type { Command } from 'commander';
import type { CliContext } from './CliContext.js';

/**
 * The contract of one subcommand file (`src/cli/commands/*Command.ts`).
 *
 * Why this shape: the shell owns the common flags, output streams, errors and exit codes; a
 * command owns only its own flags and its work, so command files can be replaced one by one.
 *
 * @example
 * ```ts
 * export const helloCommand: CliCommand = {
 *   name: 'hello',
 *   description: 'Print the configured base LR.',
 *   configure: (command) => command.option('--twice', 'print it twice'),
 *   run: async (context) => {
 *     const config = await context.loadConfig();
 *     context.output(`BASE_LR ${config.SOLVER.BASE_LR}`, { baseLr: config.SOLVER.BASE_LR });
 *     return 0;
 *   },
 * };
 * ```
 */
export interface CliCommand {
  /** The subcommand word, e.g. `train`. */
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  /**
   * Adds this command's own options and arguments. The common flags are already there; do not
   * add them again. Called once per `main()` call on a fresh commander `Command`.
   */
  configure(command: Command): void;
  /**
   * Does the work and resolves to the process exit code (0 on success).
   * @param context the shell's services (config, backend, output, logger).
   * @param options every parsed flag of this command, its own and the common ones (`config`,
   *   `opts`, `backend`, `json`, `verbose`), as commander names them (camelCase).
   * @param args positional arguments, after commander's parsing.
   * @throws SolverError to fail: printed as one line on stderr, exit code 2.
   */
  run(context: CliContext, options: Readonly<Record<string, unknown>>, args: readonly unknown[]): Promise<number>;
}
