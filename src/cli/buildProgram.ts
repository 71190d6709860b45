import { Command } from 'commander';
import type { CliCommand } from './CliCommand.js';
import type { CliServices } from './CliServices.js';
import type { CliStreams } from './CliStreams.js';
import { addCommonOptions } from './addCommonOptions.js';
import { createCliContext } from './createCliContext.js';
import { packageVersion } from './packageVersion.js';
import { readCommonOptions } from './readCommonOptions.js';

/** What a parsed command line resolved to: the exit code, set by the command that ran. */
export interface ProgramOutcome {
  exitCode: number;
  verbose: boolean;
}

/**
 * Builds a fresh commander program (no state shared between `main()` calls) whose subcommands
 * run `commands` and record their exit code in `outcome`.
 */
export function buildProgram(
  commands: readonly CliCommand[],
  streams: CliStreams,
  services: CliServices,
  outcome: ProgramOutcome,
): Command {
  const program = new Command('tfjs-solver')
    .description("detectron2's solver for TensorFlow.js: schedules, clipping and parameter groups from a YAML config")
    .version(packageVersion(), '-V, --version', 'print the version of tfjs-solver')
    .exitOverride()
    .configureOutput({ writeOut: streams.stdout, writeErr: streams.stderr })
    .showSuggestionAfterError(true);
  for (const cliCommand of commands) {
    const command = addCommonOptions(program.command(cliCommand.name).description(cliCommand.description));
    cliCommand.configure(command);
    command.action(async (...params: unknown[]): Promise<void> => {
      const self = params[params.length - 1] as Command;
      const options: Record<string, unknown> = self.opts();
      const common = readCommonOptions(options);
      outcome.verbose = common.verbose;
      const context = createCliContext(common, streams, services);
      outcome.exitCode = await cliCommand.run(context, options, self.processedArgs as unknown[]);
    });
  }
  return program;
}
