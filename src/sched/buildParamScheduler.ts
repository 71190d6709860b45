import type { SolverConfig } from '../config/index.js';
import { configError, configInteger, configNumber } from './configChecks.js';
import { checkLrSchedulerName } from './LrSchedulerName.js';
import type { LrSchedulerName } from './LrSchedulerName.js';
import { mainScheduler } from './mainScheduler.js';
import type { ParamScheduler } from './ParamScheduler.js';
import type { ScheduleLogger } from './ScheduleLogger.js';
import { checkWarmupMethod } from './WarmupMethod.js';
import type { WarmupMethod } from './WarmupMethod.js';
import { warmupPolyScheduler } from './warmupPolyScheduler.js';
import { warmupScheduler } from './warmupScheduler.js';

/** Options of {@link buildParamScheduler} and `buildLrScheduler`. */
export interface BuildScheduleOptions {
  /** Receives the warning about dropped `SOLVER.STEPS`. Default: warnings are dropped. */
  readonly logger?: ScheduleLogger;
}

const quiet: ScheduleLogger = Object.freeze({
  warn(): void {
    /* no logger given: the caller chose not to hear warnings */
  },
});

/**
 * The LR multiplier schedule a config describes (detectron2 `build_lr_scheduler` without the
 * optimizer, SPEC §3.2): the main schedule named by `SOLVER.LR_SCHEDULER_NAME`, wrapped in a
 * warmup of length `min(WARMUP_ITERS / MAX_ITER, 1)` (SPEC §3.3, with `RESCALE_INTERVAL`).
 * `WarmupPolyLR` is detectron2 DeepLab's poly schedule with its own multiplicative warmup
 * (`POLY_LR_POWER`, `POLY_LR_CONSTANT_ENDING`; `RESCALE_INTERVAL` does not apply to it).
 *
 * Why separate from the optimizer: the CLI plots and the benchmark times the schedule alone.
 * Every key it reads is checked first, so errors name `SOLVER.*` keys, not inner arguments.
 *
 * @param config a loaded config (only `SOLVER` is read).
 * @param options see {@link BuildScheduleOptions}.
 * @returns `m(where)`, the multiplier of every base LR.
 * @throws SolverError('config'): `Unknown LR scheduler: <name>`, `Unknown warmup method: <m>`, or
 *   `SOLVER.<KEY>: got <value>, expected <rule>` (e.g. `WARMUP_ITERS >= MAX_ITER` with `RESCALE_INTERVAL`).
 * @example
 * ```ts
 * const m = buildParamScheduler(DEFAULT_CONFIG);
 * m(0); // 0.001 (WARMUP_FACTOR)
 * m(0.5); // 1
 * m(0.75); // 0.1 (after STEPS [30000] of MAX_ITER 40000)
 * ```
 */
export function buildParamScheduler(config: SolverConfig, options: BuildScheduleOptions = {}): ParamScheduler {
  const solver = config.SOLVER;
  const name: LrSchedulerName = checkLrSchedulerName(solver.LR_SCHEDULER_NAME);
  const maxIter: number = configInteger('MAX_ITER', solver.MAX_ITER, 1);
  const warmupIters: number = configInteger('WARMUP_ITERS', solver.WARMUP_ITERS, 0);
  const warmupFactor: number = configNumber('WARMUP_FACTOR', solver.WARMUP_FACTOR, 0, Infinity);
  const warmupMethod: WarmupMethod = checkWarmupMethod(solver.WARMUP_METHOD, 'SOLVER.WARMUP_METHOD', 'config');
  if (name === 'WarmupPolyLR') {
    const power: number = configNumber('POLY_LR_POWER', solver.POLY_LR_POWER, 0, Infinity);
    const constantEnding: number = configNumber('POLY_LR_CONSTANT_ENDING', solver.POLY_LR_CONSTANT_ENDING, 0, 1);
    return warmupPolyScheduler({ power, constantEnding, warmupFactor, warmupLength: warmupIters / maxIter, warmupMethod });
  }
  const rescaleInterval: boolean = solver.RESCALE_INTERVAL;
  if (typeof rescaleInterval !== 'boolean') throw configError('RESCALE_INTERVAL', rescaleInterval, 'true or false');
  if (rescaleInterval && warmupIters >= maxIter) {
    throw configError('WARMUP_ITERS', warmupIters, `< SOLVER.MAX_ITER (${maxIter}) when SOLVER.RESCALE_INTERVAL is true`);
  }
  const scheduler: ParamScheduler = mainScheduler(name, solver, maxIter, options.logger ?? quiet);
  const warmupLength: number = Math.min(warmupIters / maxIter, 1.0);
  return warmupScheduler({ scheduler, warmupFactor, warmupLength, warmupMethod, rescaleInterval });
}
