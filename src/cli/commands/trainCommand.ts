import { SolverError } from '../../errors/SolverError.js';
import type { CliCommand } from '../CliCommand.js';

/** `tfjs-solver train`: trains the demo model with the configured solver. Placeholder until issue 5 lands. */
export const trainCommand: CliCommand = {
  name: 'train',
  description: 'train the demo model with the configured solver, writing checkpoints and metrics',
  configure(): void {
    /* no own flags yet */
  },
  run(): Promise<number> {
    return Promise.reject(new SolverError('notImplemented', 'the `train` command has not landed yet (issue 5)'));
  },
};
