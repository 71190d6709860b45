import type { SolverConfig } from '../config/schema.js';
import { formatValue, SolverError } from '../errors.js';
import type { Logger } from '../io/interfaces.js';
import { buildParamScheduler } from '../sched/lrScheduler.js';
import { type ParamScheduler, whereAt } from '../sched/schedulers.js';
import type { CliCommand, CliContext } from './main.js';
import { writeScheduleChart } from './plot.js';

/**
 * Refuses `schedule` flags that would have no effect: `--backend` (no backend runs), `--every`
 * without `--json` (the summary samples nothing) and `--log-scale` without `--plot` (there is no chart).
 *
 * Why: a flag that is silently ignored looks like it worked; saying so at once is cheaper.
 *
 * @param options the parsed flags of `tfjs-solver schedule` (camelCased: `logScale`).
 * @throws SolverError kind `argument`: `--every: got "10" without --json, expected it only with --json`.
 */
export function checkScheduleFlags(options: Readonly<Record<string, unknown>>): void {
  if (options.backend !== undefined) {
    throw new SolverError(
      'argument',
      `--backend: got ${formatValue(options.backend)}, expected no --backend with schedule (the schedule is computed on the host, no backend runs)`,
    );
  }
  if (options.every !== undefined && options.json !== true) {
    throw new SolverError(
      'argument',
      `--every: got ${formatValue(options.every)} without --json, expected it only with --json (it samples the JSON list)`,
    );
  }
  if (options.logScale === true && typeof options.plot !== 'string') {
    throw new SolverError('argument', '--log-scale: given without --plot, expected it only with --plot FILE.svg|FILE.png');
  }
}

/** A named iteration worth reporting (start, end of warmup, a milestone, the end). */
export interface ScheduleLandmark {
  readonly iteration: number;
  readonly label: string;
}

/**
 * A config's LR schedule, as a function of the iteration, and its landmarks: nothing is stored
 * per iteration, so any `MAX_ITER` (1e9, 5e9) costs the same time and memory.
 */
export interface ScheduleSeries {
  /** `SOLVER.MAX_ITER`: the iterations are 0..maxIter−1. */
  readonly maxIter: number;
  /** `BASE_LR × m(i / MAX_ITER)`, the LR of iteration `i`. */
  lrAt(i: number): number;
  /** In iteration order, no duplicates. */
  readonly landmarks: readonly ScheduleLandmark[];
  /**
   * Every iteration where the schedule changes piece (end of warmup, milestones, decays), in
   * order: between two of them the LR is one smooth piece (constant, linear, cosine or poly).
   */
  readonly breakpoints: readonly number[];
}

/**
 * The iterations in `[from, to]` where a piecewise-constant monotone LR changes value, found by
 * bisection: O(changes × log(to − from)) evaluations instead of one per iteration.
 */
function stepChanges(lrAt: (i: number) => number, from: number, to: number): number[] {
  const changes: number[] = [];
  const stack: [number, number][] = [[from, to]];
  for (let range = stack.pop(); range !== undefined; range = stack.pop()) {
    const [a, b] = range;
    if (lrAt(a) === lrAt(b)) continue;
    if (b - a === 1) {
      changes.push(b);
      continue;
    }
    const mid: number = Math.floor((a + b) / 2);
    stack.push([mid, b], [a, mid]);
  }
  return changes.sort((x: number, y: number) => x - y);
}

function milestones(config: SolverConfig, lrAt: (i: number) => number): number[] {
  const { LR_SCHEDULER_NAME, STEPS, MAX_ITER, WARMUP_ITERS } = config.SOLVER;
  if (LR_SCHEDULER_NAME === 'WarmupMultiStepLR') return STEPS.filter((s: number) => s < MAX_ITER);
  if (LR_SCHEDULER_NAME !== 'WarmupStepWithFixedGammaLR') return [];
  const from: number = Math.max(WARMUP_ITERS, 1) - 1;
  return from >= MAX_ITER - 1 ? [] : stepChanges(lrAt, from, MAX_ITER - 1).filter((i: number) => i > from);
}

/**
 * A config's schedule as `tfjs-solver schedule` prints and plots it: the LR of any iteration on
 * demand, the landmarks and the breakpoints (found without walking the iterations).
 *
 * @param config the loaded config.
 * @param logger receives the warning about dropped `SOLVER.STEPS`.
 */
export function scheduleSeries(config: SolverConfig, logger: Logger): ScheduleSeries {
  const m: ParamScheduler = buildParamScheduler(config, { logger });
  const { MAX_ITER, BASE_LR, WARMUP_ITERS } = config.SOLVER;
  const lrAt = (i: number): number => BASE_LR * m(whereAt(i, MAX_ITER));
  const steps: number[] = milestones(config, lrAt);
  const marks: ScheduleLandmark[] = [{ iteration: 0, label: 'start' }];
  if (WARMUP_ITERS > 0 && WARMUP_ITERS < MAX_ITER) marks.push({ iteration: WARMUP_ITERS, label: `end of warmup (${WARMUP_ITERS})` });
  for (const step of steps) marks.push({ iteration: step, label: `milestone ${step}` });
  marks.push({ iteration: MAX_ITER - 1, label: 'end' });
  const sorted: ScheduleLandmark[] = marks.sort((a: ScheduleLandmark, b: ScheduleLandmark) => a.iteration - b.iteration);
  const landmarks: ScheduleLandmark[] = sorted.filter((mark: ScheduleLandmark, k: number) => mark.iteration !== sorted[k - 1]?.iteration);
  const breakpoints: number[] = landmarks.map((mark: ScheduleLandmark) => mark.iteration);
  return { maxIter: MAX_ITER, lrAt, landmarks, breakpoints };
}

/** Ranges up to this many iterations are read whole; longer ones are sampled this many times. */
export const SAMPLES_PER_RANGE: number = 4096;

/**
 * The mean, minimum and maximum LR over iterations `[from, to)`: exact for ranges up to
 * {@link SAMPLES_PER_RANGE} iterations, else from that many evenly spaced iterations plus both
 * sides of every breakpoint inside (so a step is never missed).
 */
export function rangeStats(series: ScheduleSeries, from: number, to: number): { mean: number; min: number; max: number } {
  let sum = 0;
  let count = 0;
  let min = Infinity;
  let max = -Infinity;
  const visit = (i: number): number => {
    const lr: number = series.lrAt(i);
    min = Math.min(min, lr);
    max = Math.max(max, lr);
    return lr;
  };
  if (to - from <= SAMPLES_PER_RANGE) {
    for (let i = from; i < to; i += 1) {
      sum += visit(i);
      count += 1;
    }
  } else {
    const stride: number = (to - from) / SAMPLES_PER_RANGE;
    for (let k = 0; k < SAMPLES_PER_RANGE; k += 1) {
      sum += visit(from + Math.floor(k * stride));
      count += 1;
    }
    visit(to - 1);
    for (const b of series.breakpoints) {
      if (b > from && b < to) {
        visit(b - 1);
        visit(b);
      }
    }
  }
  return { mean: sum / count, min, max };
}

const BARS: readonly string[] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * A one-line terminal chart of a schedule: `width` bars, each the mean LR of its share of the
 * iterations ({@link rangeStats}), scaled between the smallest and the largest bar (linear).
 *
 * @param series the schedule (at least one iteration).
 * @param width number of bars, default 60.
 * @returns the bars, e.g. `▁▄████▂▂`.
 */
export function sparkline(series: ScheduleSeries, width = 60): string {
  const length: number = series.maxIter;
  const bars: number = Math.max(1, Math.min(width, length));
  const means: number[] = Array.from({ length: bars }, (_v, b: number) => {
    const from: number = Math.floor((b * length) / bars);
    const to: number = Math.max(from + 1, Math.floor(((b + 1) * length) / bars));
    return rangeStats(series, from, to).mean;
  });
  const low: number = Math.min(...means);
  const span: number = Math.max(...means) - low;
  return means.map((v: number) => BARS[span > 0 ? Math.round(((v - low) / span) * (BARS.length - 1)) : BARS.length - 1]).join('');
}

/**
 * The human output of `tfjs-solver schedule`: the schedule's name and length, the LR at each
 * landmark (start, end of warmup, milestones, end) and a sparkline of the whole run.
 */
export function formatScheduleSummary(config: SolverConfig, series: ScheduleSeries): string {
  const { LR_SCHEDULER_NAME, MAX_ITER, BASE_LR, WARMUP_ITERS, WARMUP_METHOD } = config.SOLVER;
  const width: number = String(MAX_ITER).length;
  const rows: string[] = series.landmarks.map(
    (mark: ScheduleLandmark) =>
      `  iter ${String(mark.iteration).padStart(width)}  lr ${String(Number(series.lrAt(mark.iteration).toPrecision(6)))}  ${mark.label}`,
  );
  // Every piece between two breakpoints is read (or sampled) on its own, so min and max see
  // both sides of every step.
  const edges: number[] = [...new Set([0, ...series.breakpoints, MAX_ITER])].filter((i: number) => i <= MAX_ITER).sort((a, b) => a - b);
  let low: number = Infinity;
  let high: number = -Infinity;
  for (let k = 1; k < edges.length; k += 1) {
    const stats = rangeStats(series, edges[k - 1] ?? 0, edges[k] ?? 0);
    low = Math.min(low, stats.min);
    high = Math.max(high, stats.max);
  }
  return [
    `${LR_SCHEDULER_NAME}: ${MAX_ITER} iterations, BASE_LR ${BASE_LR}, warmup ${WARMUP_ITERS} (${WARMUP_METHOD})`,
    ...rows,
    `  ${sparkline(series)}  (min ${low.toPrecision(3)}, max ${high.toPrecision(3)})`,
  ].join('\n');
}

/** `--every N`: an integer > 0 (default 1, every iteration). */
export function parseEvery(value: unknown): number {
  if (value === undefined) return 1;
  const every = Number(value);
  if (!Number.isSafeInteger(every) || every < 1) {
    throw new SolverError('argument', `--every: got ${formatValue(value)}, expected an integer > 0`);
  }
  return every;
}

/** Numbers per chunk written by {@link streamScheduleJson}. */
const JSON_CHUNK: number = 8192;

/**
 * Writes the `--json` document of a schedule in chunks, never holding the whole list:
 * `{"lr":[...]}` for every iteration, or with `every` > 1 `{"every":N,"iteration":[0,N,...],"lr":[...]}`
 * (the iterations the LRs belong to, so a sampled list keeps its x axis).
 *
 * @param series the schedule.
 * @param every keep iterations 0, every, 2·every, … (< MAX_ITER).
 * @param write receives the text piece by piece; the last piece ends with a newline.
 */
export function streamScheduleJson(series: ScheduleSeries, every: number, write: (text: string) => void): void {
  const count: number = Math.ceil(series.maxIter / every);
  const list = (valueAt: (k: number) => number): void => {
    write('[');
    for (let start = 0; start < count; start += JSON_CHUNK) {
      const end: number = Math.min(count, start + JSON_CHUNK);
      const parts: string[] = [];
      for (let k = start; k < end; k += 1) parts.push(JSON.stringify(valueAt(k)));
      write((start === 0 ? '' : ',') + parts.join(','));
    }
    write(']');
  };
  if (every > 1) {
    write(`{"every":${every},"iteration":`);
    list((k: number) => k * every);
    write(',"lr":');
  } else {
    write('{"lr":');
  }
  list((k: number) => series.lrAt(k * every));
  write('}\n');
}

/**
 * `tfjs-solver schedule`: the learning-rate schedule a config produces (docs/schedules.md).
 *
 * Default: a short summary (LR at the start, end of warmup, each milestone, the end) and a
 * sparkline, in time and memory independent of `MAX_ITER`. `--json`: `{"lr": [...]}`,
 * `BASE_LR × m(i / MAX_ITER)` for i = 0..MAX_ITER−1, streamed; with `--every N` every N-th
 * iteration and their numbers. `--plot FILE.svg|FILE.png`: a chart, `--log-scale` for a log y axis.
 * The schedule is computed on the host: there is no `--backend` (it is refused).
 */
export const scheduleCommand: CliCommand = {
  name: 'schedule',
  description: 'print (or chart) the learning-rate schedule a config produces',
  options: [
    { flag: 'every', value: 'n', description: 'with --json: keep every n-th iteration (0, n, 2n, ...) and their numbers' },
    { flag: 'plot', value: 'file', description: 'also draw the schedule to FILE.svg or FILE.png' },
    { flag: 'log-scale', description: 'with --plot: logarithmic LR axis' },
  ],
  async run(context: CliContext, options: Readonly<Record<string, unknown>>): Promise<number> {
    checkScheduleFlags(options);
    const every: number = parseEvery(options.every);
    const config = await context.loadConfig();
    const series: ScheduleSeries = scheduleSeries(config, context.logger);
    const plot: unknown = options.plot;
    if (typeof plot === 'string') {
      await writeScheduleChart(plot, config, series, options.logScale === true);
      context.logger.info(`wrote ${plot}`);
    }
    if (context.json)
      streamScheduleJson(series, every, (text: string) => {
        context.write(text);
      });
    else context.output(formatScheduleSummary(config, series), null);
    return 0;
  },
};
