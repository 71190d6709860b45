import { configError } from './configChecks.js';
import type { ScheduleLogger } from './ScheduleLogger.js';

/**
 * The `SOLVER.STEPS` that can take effect: those `<= MAX_ITER`, as detectron2 keeps them. The
 * others are dropped with ONE warning that lists them all. The kept ones must be integers,
 * strictly increasing, > 0 and < MAX_ITER (a step at MAX_ITER would only change the LR after the
 * last iteration; fvcore rejects it too).
 *
 * @throws SolverError('config') naming `SOLVER.STEPS[k]` and the rule it breaks.
 */
export function keptSteps(steps: readonly number[], maxIter: number, logger: ScheduleLogger): readonly number[] {
  const list: unknown = steps;
  if (!Array.isArray(list)) throw configError('STEPS', list, 'a list of integers');
  steps.forEach((step: unknown, k: number) => {
    if (typeof step !== 'number' || !Number.isSafeInteger(step)) throw configError(`STEPS[${k}]`, step, 'an integer');
  });
  const dropped: readonly number[] = steps.filter((step: number) => step > maxIter);
  if (dropped.length > 0) {
    logger.warn(`SOLVER.STEPS contains values larger than SOLVER.MAX_ITER (${maxIter}): ${dropped.join(', ')}; they are ignored.`);
  }
  let previous = 0;
  steps.forEach((step: number, k: number) => {
    if (step > maxIter) return;
    if (step === maxIter) throw configError(`STEPS[${k}]`, step, `< SOLVER.MAX_ITER (${maxIter}); a step at MAX_ITER never takes effect`);
    if (step <= previous) throw configError(`STEPS[${k}]`, step, `> ${previous} (STEPS strictly increasing, > 0)`);
    previous = step;
  });
  return steps.filter((step: number) => step <= maxIter);
}
