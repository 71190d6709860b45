import { SolverError } from '../../errors/SolverError.js';

/** `--every N`: an integer > 0 (default 1, every iteration). */
export function parseEvery(value: unknown): number {
  if (value === undefined) return 1;
  const every = Number(value);
  if (!Number.isSafeInteger(every) || every < 1) {
    throw new SolverError('argument', `--every: got ${JSON.stringify(value)}, expected an integer > 0`);
  }
  return every;
}
