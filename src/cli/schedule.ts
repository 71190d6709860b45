import type { SolverConfig } from '../config/schema.js';
import { SolverError } from '../errors.js';
import type { Logger } from '../io/interfaces.js';
import { buildParamScheduler } from '../sched/lrScheduler.js';
import { type ParamScheduler, whereAt } from '../sched/schedulers.js';
import type { CliCommand, CliContext } from './main.js';
import { writeScheduleChart } from './plot.js';

/**
 * Refuses `schedule` flags that would have no effect: `--every` without `--json` (the summary
 * samples nothing) and `--log-scale` without `--plot` (there is no chart).
 *
 * Why: a flag that is silently ignored looks like it worked; saying so at once is cheaper.
 *
 * @param options the parsed flags of `tfjs-solver schedule` (camelCased: `logScale`).
 * @throws SolverError kind `argument`: `--every: got "10" without --json, expected it only with --json`.
 */
export function checkScheduleFlags(options: Readonly<Record<string, unknown>>): void {
  if (options.every !== undefined && options.json !== true) {
    throw new SolverError(
      'argument',
      `--every: got ${JSON.stringify(options.every)} without --json, expected it only with --json (it samples the JSON list)`,
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

const BARS: readonly string[] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * A one-line terminal chart of `values`: `width` bars, each the mean of its share of the values,
 * scaled between the smallest and the largest value (linear).
 *
 * @param values the series (at least one value).
 * @param width number of bars, default 60.
 * @returns the bars, e.g. `▁▄████▂▂`.
 */
export function sparkline(values: readonly number[], width = 60): string {
  const bars: number = Math.max(1, Math.min(width, values.length));
  const means: number[] = Array.from({ length: bars }, (_v, b: number) => {
    const from: number = Math.floor((b * values.length) / bars);
    const to: number = Math.max(from + 1, Math.floor(((b + 1) * values.length) / bars));
    const slice: readonly number[] = values.slice(from, to);
    return slice.reduce((a: number, v: number) => a + v, 0) / slice.length;
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
      `  iter ${String(mark.iteration).padStart(width)}  lr ${String(Number((series.lr[mark.iteration] ?? NaN).toPrecision(6)))}  ${mark.label}`,
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

/** `--every N`: an integer > 0 (default 1, every iteration). */
export function parseEvery(value: unknown): number {
  if (value === undefined) return 1;
  const every = Number(value);
  if (!Number.isSafeInteger(every) || every < 1) {
    throw new SolverError('argument', `--every: got ${JSON.stringify(value)}, expected an integer > 0`);
  }
  return every;
}

/**
 * `tfjs-solver schedule`: the learning-rate schedule a config produces (docs/schedules.md).
 *
 * Default: a short summary (LR at the start, end of warmup, each milestone, the end) and a
 * sparkline. `--json`: `{"lr": [...]}`, `BASE_LR × m(i / MAX_ITER)` for i = 0..MAX_ITER−1
 * (every N-th with `--every N`). `--plot FILE.svg|FILE.png`: a chart, `--log-scale` for a log y axis.
 */
export const scheduleCommand: CliCommand = {
  name: 'schedule',
  description: 'print (or chart) the learning-rate schedule a config produces',
  options: [
    { flag: 'every', value: 'n', description: 'with --json: keep every n-th iteration (0, n, 2n, ...)' },
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
    const lr: number[] = series.lr.filter((_v: number, i: number) => i % every === 0);
    context.output(formatScheduleSummary(config, series), { lr });
    return 0;
  },
};
