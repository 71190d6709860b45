import type { SolverConfig } from '../../config/SolverConfig.js';
import type { Logger } from '../../io/Logger.js';
import { buildParamScheduler } from '../../sched/buildParamScheduler.js';
import type { ParamScheduler } from '../../sched/ParamScheduler.js';
import { whereAt } from '../../sched/whereAt.js';

/** A named iteration worth reporting (start, end of warmup, a milestone, the end). */
export interface ScheduleLandmark {
  readonly iteration: number;
  readonly label: string;
}

/** The LR of every iteration of a config's run, and its landmarks. */
export interface ScheduleSeries {
  /** `BASE_LR × m(i / MAX_ITER)` for i = 0..MAX_ITER−1. */
  readonly lr: readonly number[];
  /** In iteration order, no duplicates. */
  readonly landmarks: readonly ScheduleLandmark[];
}

function milestones(config: SolverConfig, lr: readonly number[]): number[] {
  const { LR_SCHEDULER_NAME, STEPS, MAX_ITER, WARMUP_ITERS } = config.SOLVER;
  if (LR_SCHEDULER_NAME === 'WarmupMultiStepLR') return STEPS.filter((s: number) => s < MAX_ITER);
  if (LR_SCHEDULER_NAME !== 'WarmupStepWithFixedGammaLR') return [];
  const changes: number[] = [];
  for (let i = Math.max(WARMUP_ITERS, 1); i < lr.length; i += 1) if (lr[i] !== lr[i - 1]) changes.push(i);
  return changes;
}

/**
 * Evaluates a config's schedule at every iteration (what `tfjs-solver schedule` prints and plots).
 *
 * @param config the loaded config.
 * @param logger receives the warning about dropped `SOLVER.STEPS`.
 * @throws SolverError('config') as `buildParamScheduler`.
 */
export function scheduleSeries(config: SolverConfig, logger: Logger): ScheduleSeries {
  const m: ParamScheduler = buildParamScheduler(config, { logger });
  const { MAX_ITER, BASE_LR, WARMUP_ITERS } = config.SOLVER;
  const lr: number[] = Array.from({ length: MAX_ITER }, (_v, i: number) => BASE_LR * m(whereAt(i, MAX_ITER)));
  const marks: ScheduleLandmark[] = [{ iteration: 0, label: 'start' }];
  if (WARMUP_ITERS > 0 && WARMUP_ITERS < MAX_ITER) marks.push({ iteration: WARMUP_ITERS, label: `end of warmup (${WARMUP_ITERS})` });
  for (const step of milestones(config, lr)) marks.push({ iteration: step, label: `milestone ${step}` });
  marks.push({ iteration: MAX_ITER - 1, label: 'end' });
  const sorted: ScheduleLandmark[] = marks.sort((a: ScheduleLandmark, b: ScheduleLandmark) => a.iteration - b.iteration);
  const landmarks: ScheduleLandmark[] = sorted.filter((mark: ScheduleLandmark, k: number) => mark.iteration !== sorted[k - 1]?.iteration);
  return { lr, landmarks };
}
