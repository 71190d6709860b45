import { SolverError } from '../../errors/SolverError.js';
import type { CliCommand } from '../CliCommand.js';

/** `tfjs-solver groups`: prints the parameter groups of the demo model. Placeholder until issue 4 lands. */
export const groupsCommand: CliCommand = {
  name: 'groups',
  description: 'print the parameter groups (LR, weight decay per weight) the config gives the demo model',
  configure(): void {
    /* no own flags yet */
  },
  run(): Promise<number> {
    return Promise.reject(new SolverError('notImplemented', 'the `groups` command has not landed yet (issue 4)'));
  },
};
