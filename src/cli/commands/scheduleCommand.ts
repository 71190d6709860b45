import { SolverError } from '../../errors/SolverError.js';
import type { CliCommand } from '../CliCommand.js';

/** `tfjs-solver schedule`: prints the learning-rate schedule of a config. Placeholder until issue 3 lands. */
export const scheduleCommand: CliCommand = {
  name: 'schedule',
  description: 'print (or chart) the learning-rate schedule a config produces',
  configure(): void {
    /* no own flags yet */
  },
  run(): Promise<number> {
    return Promise.reject(new SolverError('notImplemented', 'the `schedule` command has not landed yet (issue 3)'));
  },
};
