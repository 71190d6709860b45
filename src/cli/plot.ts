import { Resvg } from '@resvg/resvg-js';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { SolverConfig } from '../config/schema.js';
import { SolverError } from '../errors.js';
import type { ScheduleLandmark, ScheduleSeries } from './schedule.js';

/** One point of a chart: an iteration and its LR. */
export interface ChartPoint {
  readonly iteration: number;
  readonly lr: number;
}

/**
 * At most about `budget` points of a schedule of `length` iterations for a line chart: an even
 * sample, plus both sides of every iteration in `sharpAt` (so steps are drawn as steps, not
 * slopes), plus the last iteration. Only the picked iterations are evaluated.
 */
export function chartPoints(lrAt: (i: number) => number, length: number, sharpAt: readonly number[], budget = 2000): ChartPoint[] {
  const stride: number = Math.max(1, Math.ceil(length / budget));
  const picked: Set<number> = new Set([length - 1]);
  for (let i = 0; i < length; i += stride) picked.add(i);
  for (const i of sharpAt) {
    if (i > 0 && i < length) picked.add(i - 1).add(i);
  }
  return [...picked].sort((a: number, b: number) => a - b).map((i: number) => ({ iteration: i, lr: lrAt(i) }));
}

const DEJAVU_DIR = '/usr/share/fonts/truetype/dejavu';
const FONT_FILES: readonly string[] = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f: string) => `${DEJAVU_DIR}/${f}`);

/**
 * Renders a vega-lite spec headless: vega-lite → vega → SVG text.
 *
 * Why vega: it draws real axes, ticks and labels without a browser or a canvas.
 */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const compiled = vegaLite.compile(spec as unknown as vegaLite.TopLevelSpec).spec;
  const view: vega.View = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Rasterises SVG text to PNG bytes with resvg at `scale`× (DejaVu Sans when installed, else the
 * system fonts).
 */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const fontFiles: string[] = FONT_FILES.filter((f: string) => existsSync(f));
  const resvg: Resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: { fontFiles, loadSystemFonts: fontFiles.length === 0, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/** What the schedule chart shows. */
export interface ScheduleChartInput {
  readonly title: string;
  readonly maxIter: number;
  readonly points: readonly ChartPoint[];
  /** Drawn as dashed vertical rules with a label (warmup end, milestones). */
  readonly marks: readonly ScheduleLandmark[];
  readonly logScale: boolean;
}

const FONT = 'DejaVu Sans';
const MARK_COLOR = '#c0392b';

/**
 * The vega-lite spec of the schedule chart: the LR line over iterations (linear or log y axis),
 * dashed rules and labels at the marks, DejaVu Sans everywhere (the PNG renderer has no other font).
 * With a log scale, points whose LR is not > 0 are left out (log 0 is undefined).
 */
export function scheduleChartSpec(input: ScheduleChartInput): Record<string, unknown> {
  const points: readonly ChartPoint[] = input.logScale ? input.points.filter((p: ChartPoint) => p.lr > 0) : input.points;
  const x = { field: 'iteration', type: 'quantitative', title: 'iteration', scale: { domain: [0, input.maxIter], nice: false } };
  const y = {
    field: 'lr',
    type: 'quantitative',
    title: input.logScale ? 'learning rate (log scale)' : 'learning rate',
    scale: input.logScale ? { type: 'log' } : { zero: true },
    axis: { format: '~g' },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 760,
    height: 380,
    background: 'white',
    padding: 12,
    title: { text: input.title, font: FONT, fontSize: 15, anchor: 'start' },
    config: {
      font: FONT,
      axis: { labelFont: FONT, titleFont: FONT, labelFontSize: 11, titleFontSize: 12, gridColor: '#e6e6e6' },
      view: { stroke: '#bbbbbb' },
    },
    layer: [
      { data: { values: points }, mark: { type: 'line', strokeWidth: 2, color: '#1f5fa8', clip: true }, encoding: { x, y } },
      {
        data: { values: input.marks },
        mark: { type: 'rule', strokeDash: [5, 4], color: MARK_COLOR, opacity: 0.8 },
        encoding: { x: { field: 'iteration', type: 'quantitative' } },
      },
      {
        data: { values: input.marks },
        mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 4, color: MARK_COLOR, fontSize: 11, font: FONT },
        encoding: { x: { field: 'iteration', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
      },
    ],
  };
}

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
      points: chartPoints(
        (i: number) => series.lrAt(i),
        series.maxIter,
        marks.map((m: ScheduleLandmark) => m.iteration),
      ),
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
