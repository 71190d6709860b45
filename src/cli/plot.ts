import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
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

/** One line of a chart. */
export interface ChartSeries {
  /** Shown in the legend (when there is more than one series). */
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

/** A dashed vertical rule with a label above the plot (end of warmup, a milestone). */
export interface ChartMark {
  readonly x: number;
  readonly label: string;
}

/** What {@link lineChartSvg} draws. */
export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  readonly marks?: readonly ChartMark[];
  /** Logarithmic y axis (points with y <= 0 are left out). Default false. */
  readonly logScale?: boolean;
  /** The x range; default the data's. */
  readonly xDomain?: readonly [number, number];
  /** Start the (linear) y axis at 0. Default false. */
  readonly yFromZero?: boolean;
}

const WIDTH = 800;
const FONT = 'DejaVu Sans';
const COLORS: readonly string[] = ['#1f5fa8', '#d9822b', '#2e8b57', '#8e44ad', '#c0392b', '#16a085', '#7f8c8d', '#b7950b'];
const MARK_COLOR = '#c0392b';
/** Average glyph width of DejaVu Sans relative to the font size (for laying labels out). */
const GLYPH = 0.62;

/** Round tick values covering [low, high]: steps of 1, 2 or 5 × 10^k, about `count` of them. */
export function niceTicks(low: number, high: number, count: number = 6): number[] {
  if (!(high > low)) return [low];
  const raw: number = (high - low) / count;
  const power: number = 10 ** Math.floor(Math.log10(raw));
  const step: number = [1, 2, 5, 10].map((f: number) => f * power).find((s: number) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(low / step - 1e-9) * step; v <= high + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Tick values of a log axis over [low, high] (> 0): powers of ten, plus 2× and 5× over few decades. */
export function logTicks(low: number, high: number): number[] {
  const from: number = Math.floor(Math.log10(low));
  const to: number = Math.ceil(Math.log10(high));
  const factors: readonly number[] = to - from <= 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let k = from; k <= to; k++) for (const f of factors) ticks.push(Number((f * 10 ** k).toPrecision(6)));
  return ticks.filter((v: number) => v >= low * (1 - 1e-9) && v <= high * (1 + 1e-9));
}

/** A short tick label: `0.05`, `2000`, `1e-4`, `2.5e+6` → `2.5e6`. */
export function tickLabel(value: number): string {
  if (value === 0) return '0';
  const magnitude: number = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e6) return String(Number(value.toPrecision(4)));
  return value
    .toExponential()
    .replace(/\.?0+e/, 'e')
    .replace('e+', 'e');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function textWidth(text: string, size: number): number {
  return text.length * size * GLYPH;
}

/** Places mark labels in rows above the plot so that no two overlap and none passes an edge. */
function layoutMarks(
  marks: readonly ChartMark[],
  xOf: (x: number) => number,
  left: number,
  right: number,
): { x: number; row: number; anchor: string; mark: ChartMark }[] {
  const rowsEnd: number[] = [];
  return [...marks]
    .sort((a: ChartMark, b: ChartMark) => a.x - b.x)
    .map((mark: ChartMark) => {
      const width: number = textWidth(mark.label, 11);
      const at: number = xOf(mark.x);
      const start: number = Math.min(Math.max(at - width / 2, left), right - width);
      let row: number = rowsEnd.findIndex((end: number) => end + 8 <= start);
      if (row < 0) row = rowsEnd.push(0) - 1;
      rowsEnd[row] = start + width;
      return { x: start, row, anchor: 'start', mark };
    });
}

/**
 * An SVG line chart (axes, ticks, grid, one or more series, labelled vertical marks, legend),
 * small and deterministic: the same input gives the same bytes, so charts are tested as text.
 *
 * Why ours: a chart of a few lines needs no charting library; labels are laid out so that they
 * never overlap the curve (mark labels sit in rows above the plot) nor pass the edge.
 *
 * @example
 * ```ts
 * const svg = lineChartSvg({ title: 'loss', xLabel: 'iteration', yLabel: 'loss',
 *   series: [{ name: 'loss', points: [{ x: 0, y: 2.3 }, { x: 100, y: 0.4 }] }] });
 * ```
 */
export function lineChartSvg(chart: LineChart): string {
  const log: boolean = chart.logScale === true;
  const series: ChartSeries[] = chart.series.map((s: ChartSeries) => ({
    name: s.name,
    points: s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!log || p.y > 0)),
  }));
  const all = series.flatMap((s: ChartSeries) => s.points);
  const xs: number[] = all.map((p) => p.x);
  const ys: number[] = all.map((p) => p.y);
  const [x0, x1] = chart.xDomain ?? [Math.min(0, ...xs), Math.max(1, ...xs)];
  let y0: number = ys.length === 0 ? 0 : Math.min(...ys);
  let y1: number = ys.length === 0 ? 1 : Math.max(...ys);
  if (!log && chart.yFromZero === true) y0 = Math.min(0, y0);
  if (y1 === y0) [y0, y1] = log ? [y0 / 2, y1 * 2] : [y0 - 1, y1 + 1];
  let yTicks: number[] = log ? logTicks(y0, y1) : niceTicks(y0, y1);
  const step: number = (yTicks[1] ?? 0) - (yTicks[0] ?? 0);
  if (!log && step > 0) {
    // Out to the ticks around the data: the frame is a tick, and a curve between ticks stays off it.
    [y0, y1] = [Math.floor(y0 / step + 1e-9) * step, Math.ceil(y1 / step - 1e-9) * step];
    yTicks = niceTicks(y0, y1);
  }
  if (!log) [y0, y1] = [Math.min(y0, yTicks[0] ?? y0), Math.max(y1, yTicks[yTicks.length - 1] ?? y1)];
  const marks: readonly ChartMark[] = (chart.marks ?? []).filter((m: ChartMark) => m.x >= x0 && m.x <= x1);
  const legend: boolean = series.length > 1;
  const labelWidth: number = Math.max(...yTicks.map((t: number) => textWidth(tickLabel(t), 11)), 20);
  const left: number = 30 + labelWidth + 12;
  const right: number = WIDTH - 28;
  const markRowsGuess: number =
    marks.length === 0
      ? 0
      : layoutMarks(marks, (x) => left + ((x - x0) / (x1 - x0)) * (right - left), left, right).reduce((n, m) => Math.max(n, m.row + 1), 0);
  const top: number = 46 + markRowsGuess * 16;
  const plotHeight: number = 300;
  const bottom: number = top + plotHeight;
  // Legend items left to right, wrapping to a new row at the right edge.
  const legendItems: { x: number; row: number }[] = [];
  let legendX: number = left;
  let legendRow: number = 0;
  for (const s of series) {
    const itemWidth: number = 24 + textWidth(s.name, 11) + 18;
    if (legendX > left && legendX + itemWidth - 18 > right) [legendX, legendRow] = [left, legendRow + 1];
    legendItems.push({ x: legendX, row: legendRow });
    legendX += itemWidth;
  }
  const height: number = bottom + 56 + (legend ? 24 + 18 * legendRow : 0);
  const xOf = (x: number): number => left + ((x - x0) / (x1 - x0 || 1)) * (right - left);
  const yOf = (y: number): number =>
    log
      ? bottom - ((Math.log10(y) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0) || 1)) * plotHeight
      : bottom - ((y - y0) / (y1 - y0)) * plotHeight;
  const f = (v: number): string => v.toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${FONT}">`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="24" font-size="15" font-weight="bold">${escapeXml(chart.title)}</text>`,
  ];
  for (const t of yTicks) {
    out.push(`<line x1="${left}" x2="${right}" y1="${f(yOf(t))}" y2="${f(yOf(t))}" stroke="#e6e6e6"/>`);
    out.push(`<text x="${left - 6}" y="${f(yOf(t) + 4)}" font-size="11" text-anchor="end">${tickLabel(t)}</text>`);
  }
  for (const t of niceTicks(x0, x1, 8)) {
    out.push(`<line x1="${f(xOf(t))}" x2="${f(xOf(t))}" y1="${bottom}" y2="${bottom + 5}" stroke="#555"/>`);
    out.push(`<text x="${f(xOf(t))}" y="${bottom + 18}" font-size="11" text-anchor="middle">${tickLabel(t)}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${plotHeight}" fill="none" stroke="#bbbbbb"/>`);
  out.push(`<text x="${(left + right) / 2}" y="${bottom + 38}" font-size="12" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`);
  out.push(
    `<text transform="translate(16 ${(top + bottom) / 2}) rotate(-90)" font-size="12" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`,
  );
  for (const placed of layoutMarks(marks, xOf, left, right)) {
    const x: string = f(xOf(placed.mark.x));
    out.push(`<line x1="${x}" x2="${x}" y1="${top}" y2="${bottom}" stroke="${MARK_COLOR}" stroke-dasharray="5 4" opacity="0.8"/>`);
    out.push(
      `<text x="${f(placed.x)}" y="${top - 6 - placed.row * 16}" font-size="11" fill="${MARK_COLOR}">${escapeXml(placed.mark.label)}</text>`,
    );
  }
  series.forEach((s: ChartSeries, k: number) => {
    if (s.points.length === 0) return;
    const d: string = s.points.map((p, i: number) => `${i === 0 ? 'M' : 'L'}${f(xOf(p.x))} ${f(yOf(p.y))}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${COLORS[k % COLORS.length] ?? '#000'}" stroke-width="2" stroke-linejoin="round"/>`);
  });
  if (legend) {
    series.forEach((s: ChartSeries, k: number) => {
      const { x, row } = legendItems[k] ?? { x: left, row: 0 };
      const y: number = bottom + 62 + 18 * row;
      out.push(
        `<line x1="${x}" x2="${x + 18}" y1="${y - 4}" y2="${y - 4}" stroke="${COLORS[k % COLORS.length] ?? '#000'}" stroke-width="3"/>`,
      );
      out.push(`<text x="${x + 24}" y="${y}" font-size="11">${escapeXml(s.name)}</text>`);
    });
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

const DEJAVU_DIR = '/usr/share/fonts/truetype/dejavu';
const FONT_FILES: readonly string[] = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f: string) => `${DEJAVU_DIR}/${f}`);

/** How to get PNG output when the renderer is missing. */
export const PNG_INSTALL_HINT: string = 'PNG output needs @resvg/resvg-js: npm install @resvg/resvg-js (SVG needs nothing)';

/**
 * Rasterises SVG text to PNG bytes at `scale`× with `@resvg/resvg-js`, loaded on first use (an
 * optional peer: SVG output works without it). DejaVu Sans when installed, else the system fonts.
 *
 * @throws SolverError kind `argument` naming the package to install when it is missing.
 */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  let resvg: typeof import('@resvg/resvg-js');
  try {
    resvg = await import('@resvg/resvg-js');
  } catch (error: unknown) {
    throw new SolverError('argument', PNG_INSTALL_HINT, { cause: error });
  }
  const fontFiles: string[] = FONT_FILES.filter((f: string) => existsSync(f));
  const renderer = new resvg.Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: { fontFiles, loadSystemFonts: fontFiles.length === 0, defaultFontFamily: FONT },
  });
  return renderer.render().asPng();
}

/**
 * Writes `svg` to `path` as SVG (`.svg`) or PNG (`.png`); the folder must exist.
 * @throws SolverError kind `argument` for another extension or a missing PNG renderer; `io` when writing fails.
 */
export async function writeChart(path: string, svg: string, flag: string = '--plot'): Promise<void> {
  const lower: string = path.toLowerCase();
  const kind: string = lower.endsWith('.svg') ? 'svg' : lower.endsWith('.png') ? 'png' : '';
  if (kind === '') throw new SolverError('argument', `${flag}: got ${JSON.stringify(path)}, expected a file name ending in .svg or .png`);
  const bytes: string | Uint8Array = kind === 'svg' ? svg : await svgToPng(svg);
  try {
    await writeFile(path, bytes);
  } catch (error: unknown) {
    throw new SolverError('io', `${flag}: cannot write ${JSON.stringify(path)}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Draws the schedule chart and writes it to `path`: SVG for `.svg`, PNG for `.png`.
 *
 * @throws SolverError('argument') for another extension; SolverError('io') when writing fails.
 */
export async function writeScheduleChart(path: string, config: SolverConfig, series: ScheduleSeries, logScale: boolean): Promise<void> {
  const { LR_SCHEDULER_NAME, MAX_ITER, BASE_LR } = config.SOLVER;
  const marks: ScheduleLandmark[] = series.landmarks.filter((m: ScheduleLandmark) => m.iteration > 0 && m.iteration < MAX_ITER - 1);
  const points: ChartPoint[] = chartPoints(
    (i: number) => series.lrAt(i),
    series.maxIter,
    marks.map((m: ScheduleLandmark) => m.iteration),
  );
  const svg: string = lineChartSvg({
    title: `${LR_SCHEDULER_NAME}: BASE_LR ${BASE_LR}, ${MAX_ITER} iterations`,
    xLabel: 'iteration',
    yLabel: logScale ? 'learning rate (log scale)' : 'learning rate',
    series: [{ name: 'lr', points: points.map((p: ChartPoint) => ({ x: p.iteration, y: p.lr })) }],
    marks: marks.map((m: ScheduleLandmark) => ({ x: m.iteration, label: m.label })),
    logScale,
    xDomain: [0, MAX_ITER],
    yFromZero: true,
  });
  await writeChart(path, svg);
}
