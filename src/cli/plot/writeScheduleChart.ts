import { writeFile } from 'node:fs/promises';
import type { SolverConfig } from '../../config/SolverConfig.js';
import { SolverError } from '../../errors/SolverError.js';
import type { ScheduleLandmark, ScheduleSeries } from '../schedule/scheduleSeries.js';
import { chartPoints } from './chartPoints.js';
import { renderSvg, svgToPng } from './renderChart.js';
import { scheduleChartSpec } from './scheduleChartSpec.js';

/**
 * Draws the schedule chart and writes it to `path`: SVG for `.svg`, PNG for `.png`.
 *
 * @throws SolverError('argument') for another extension; SolverError('io') when writing fails.
 */
export async function writeScheduleChart(path: string, config: SolverConfig, series: ScheduleSeries, logScale: boolean): Promise<void> {
  const kind: string = path.toLowerCase().endsWith('.svg') ? 'svg' : path.toLowerCase().endsWith('.png') ? 'png' : '';
  if (kind === '') throw new SolverError('argument', `--plot: got ${JSON.stringify(path)}, expected a file name ending in .svg or .png`);
  const { LR_SCHEDULER_NAME, MAX_ITER, BASE_LR } = config.SOLVER;
  const marks: ScheduleLandmark[] = series.landmarks.filter((m: ScheduleLandmark) => m.iteration > 0 && m.iteration < MAX_ITER - 1);
  const svg: string = await renderSvg(
    scheduleChartSpec({
      title: `${LR_SCHEDULER_NAME}: BASE_LR ${BASE_LR}, ${MAX_ITER} iterations`,
      maxIter: MAX_ITER,
      points: chartPoints(series.lr, marks.map((m: ScheduleLandmark) => m.iteration)),
      marks,
      logScale,
    }),
  );
  try {
    await writeFile(path, kind === 'svg' ? svg : svgToPng(svg));
  } catch (error: unknown) {
    throw new SolverError('io', `--plot: cannot write ${JSON.stringify(path)}: ${(error as Error).message}`, { cause: error });
  }
}
