import type { SolverSection } from '../config/index.js';
import { configError, configInteger, configNumber } from './configChecks.js';
import { cosineScheduler } from './cosineScheduler.js';
import { keptSteps } from './keptSteps.js';
import type { LrSchedulerName } from './LrSchedulerName.js';
import { multiStepScheduler } from './multiStepScheduler.js';
import type { ParamScheduler } from './ParamScheduler.js';
import type { ScheduleLogger } from './ScheduleLogger.js';
import { stepWithFixedGammaScheduler } from './stepWithFixedGammaScheduler.js';

function cosineFromConfig(solver: SolverSection): ParamScheduler {
  const baseLr: number = configNumber('BASE_LR', solver.BASE_LR, 0, Infinity, true);
  const baseLrEnd: number = configNumber('BASE_LR_END', solver.BASE_LR_END, 0, Infinity);
  const endValue: number = baseLrEnd / baseLr;
  if (endValue > 1.0) {
    throw configError('BASE_LR_END', baseLrEnd, `<= SOLVER.BASE_LR (${baseLr}): BASE_LR_END / BASE_LR must lie in [0, 1]`);
  }
  return cosineScheduler({ startValue: 1, endValue });
}

/**
 * The main part (before warmup is added) of the three detectron2 schedules, SPEC §3.2:
 * MultiStep(values `GAMMA^k`, milestones = kept STEPS, numUpdates = MAX_ITER),
 * Cosine(1, BASE_LR_END / BASE_LR), StepWithFixedGamma(1, NUM_DECAYS, GAMMA, MAX_ITER).
 *
 * @throws SolverError('config') naming the `SOLVER.*` key at fault.
 */
export function mainScheduler(
  name: Exclude<LrSchedulerName, 'WarmupPolyLR'>,
  solver: SolverSection,
  maxIter: number,
  logger: ScheduleLogger,
): ParamScheduler {
  if (name === 'WarmupCosineLR') return cosineFromConfig(solver);
  const gamma: number = configNumber('GAMMA', solver.GAMMA, 0, Infinity, true);
  if (name === 'WarmupStepWithFixedGammaLR') {
    const numDecays: number = configInteger('NUM_DECAYS', solver.NUM_DECAYS, 1);
    return stepWithFixedGammaScheduler({ baseValue: 1.0, numDecays, gamma, numUpdates: maxIter });
  }
  const steps: readonly number[] = keptSteps(solver.STEPS, maxIter, logger);
  const values: number[] = Array.from({ length: steps.length + 1 }, (_v, k: number) => gamma ** k);
  return multiStepScheduler({ values, milestones: steps, numUpdates: maxIter });
}
