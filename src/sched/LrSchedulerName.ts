import { SolverError } from '../errors/index.js';
import type { SolverSection } from '../config/index.js';
import { showValue } from './schedulerArgs.js';

/** The `SOLVER.LR_SCHEDULER_NAME` values this package builds. */
export type LrSchedulerName = SolverSection['LR_SCHEDULER_NAME'];

/** Every {@link LrSchedulerName}, in documentation order. */
export const LR_SCHEDULER_NAMES: readonly LrSchedulerName[] = Object.freeze([
  'WarmupMultiStepLR',
  'WarmupCosineLR',
  'WarmupStepWithFixedGammaLR',
  'WarmupPolyLR',
]);

/**
 * Returns `name` when it is an {@link LrSchedulerName}, else throws the reference's error
 * `Unknown LR scheduler: <name>` followed by the key and the accepted names.
 *
 * @throws SolverError('config').
 */
export function checkLrSchedulerName(name: unknown): LrSchedulerName {
  const known: LrSchedulerName | undefined = LR_SCHEDULER_NAMES.find((n: LrSchedulerName) => n === name);
  if (known !== undefined) return known;
  const shown: string = typeof name === 'string' ? name : showValue(name);
  throw new SolverError(
    'config',
    `Unknown LR scheduler: ${shown} (SOLVER.LR_SCHEDULER_NAME; expected one of ${LR_SCHEDULER_NAMES.join(', ')})`,
  );
}
