import type { SolverConfig } from '../../config/SolverConfig.js';
import type { ScheduleLandmark, ScheduleSeries } from './scheduleSeries.js';
import { sparkline } from './sparkline.js';

/**
 * The human output of `tfjs-solver schedule`: the schedule's name and length, the LR at each
 * landmark (start, end of warmup, milestones, end) and a sparkline of the whole run.
 */
export function formatScheduleSummary(config: SolverConfig, series: ScheduleSeries): string {
  const { LR_SCHEDULER_NAME, MAX_ITER, BASE_LR, WARMUP_ITERS, WARMUP_METHOD } = config.SOLVER;
  const width: number = String(MAX_ITER).length;
  const rows: string[] = series.landmarks.map(
    (mark: ScheduleLandmark) => `  iter ${String(mark.iteration).padStart(width)}  lr ${String(Number((series.lr[mark.iteration] ?? NaN).toPrecision(6)))}  ${mark.label}`,
  );
  // NOTE: a loop, not Math.min(...lr): spreading millions of arguments overflows the call stack.
  let low: number = Infinity;
  let high: number = -Infinity;
  for (const value of series.lr) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  return [
    `${LR_SCHEDULER_NAME}: ${MAX_ITER} iterations, BASE_LR ${BASE_LR}, warmup ${WARMUP_ITERS} (${WARMUP_METHOD})`,
    ...rows,
    `  ${sparkline(series.lr)}  (min ${low.toPrecision(3)}, max ${high.toPrecision(3)})`,
  ].join('\n');
}
