import type { CliCommand } from './CliCommand.js';
import { groupsCommand } from './commands/groupsCommand.js';
import { scheduleCommand } from './commands/scheduleCommand.js';
import { trainCommand } from './commands/trainCommand.js';

/** The subcommands `tfjs-solver` offers, in the order `--help` lists them. */
export const cliCommands: readonly CliCommand[] = Object.freeze([trainCommand, scheduleCommand, groupsCommand]);
