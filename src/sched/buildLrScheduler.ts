import type { SolverConfig } from '../config/index.js';
import type { BuildScheduleOptions } from './buildParamScheduler.js';
import { buildParamScheduler } from './buildParamScheduler.js';
import type { LearningRateTarget } from './LearningRateTarget.js';
import { LrMultiplier } from './LrMultiplier.js';

/**
 * The LR multiplier a config describes, driving `target` (detectron2 `build_lr_scheduler`,
 * SPEC §3.2-3.4): {@link buildParamScheduler} for the schedule, `SOLVER.MAX_ITER` for its length,
 * `SOLVER.ALLOW_MAX_ITER_CHANGE` for the resume policy.
 *
 * Why: one call turns a detectron2 `SOLVER:` block into per-group LRs. Building writes nothing to
 * `target`; call `apply()` before the first step and `step()` after each.
 *
 * @param config a loaded config.
 * @param target the optimizer, or any {@link LearningRateTarget}.
 * @param options see {@link BuildScheduleOptions} (the logger for dropped STEPS).
 * @returns the {@link LrMultiplier}, at iteration 0.
 * @throws SolverError('config') as {@link buildParamScheduler}; SolverError('argument') when the
 *   target's base LRs are not a non-empty list of finite numbers >= 0.
 * @example
 * ```ts
 * const lr = buildLrScheduler(DEFAULT_CONFIG, optimizer);
 * lr.apply(); // every group at base LR × 0.001
 * ```
 */
export function buildLrScheduler(config: SolverConfig, target: LearningRateTarget, options: BuildScheduleOptions = {}): LrMultiplier {
  const schedule = buildParamScheduler(config, options);
  const allowMaxIterChange: boolean = config.SOLVER.ALLOW_MAX_ITER_CHANGE;
  return new LrMultiplier(target, schedule, config.SOLVER.MAX_ITER, { allowMaxIterChange });
}
