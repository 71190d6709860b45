import { CommanderError } from 'commander';
import type { CliCommand } from './CliCommand.js';
import type { CliServices } from './CliServices.js';
import type { CliStreams } from './CliStreams.js';
import { buildProgram, type ProgramOutcome } from './buildProgram.js';
import { cliCommands } from './cliCommands.js';
import { defaultCliServices } from './defaultCliServices.js';
import { formatCliError } from './formatCliError.js';
import { processStreams } from './processStreams.js';

/** Exit code of every failure: a usage error, an invalid config, a missing backend, a failed command. */
export const EXIT_FAILURE: number = 2;

/**
 * Runs the `tfjs-solver` command line and resolves to the process exit code; never throws.
 *
 * Why in-process and injectable: `bin/tfjs-solver.js` is a one-line launcher, and tests call
 * `main(['schedule', '--json'], streams)` directly and assert what was written.
 *
 * @param argv the arguments after the program name (`process.argv.slice(2)`).
 * @param streams where results (stdout) and logs/errors (stderr) go; default the process streams.
 * @param services the library calls behind `--config` and `--backend`; default the real ones.
 * @param commands the subcommands; default `cliCommands` (tests pass their own).
 * @returns 0 on success (or `--help`), 2 on any failure.
 * @example
 * ```ts
 * const code = await main(['--help'], { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
 * ```
 */
export async function main(
  argv: readonly string[],
  streams: CliStreams = processStreams,
  services: CliServices = defaultCliServices,
  commands: readonly CliCommand[] = cliCommands,
): Promise<number> {
  const outcome: ProgramOutcome = { exitCode: 0, verbose: argv.includes('--verbose') };
  const program = buildProgram(commands, streams, services, outcome);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return outcome.exitCode;
  } catch (error: unknown) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_FAILURE;
    streams.stderr(formatCliError(error, outcome.verbose));
    return EXIT_FAILURE;
  }
}
