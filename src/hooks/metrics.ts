import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../errors.js';
import { type FileStore, type Logger, silentLogger } from '../io/interfaces.js';
import type { StepStats } from '../optim/SolverOptimizer.js';
import type { Hook, HookContext } from './Hook.js';

/**
 * Where the metrics writer gets the optimizer's last-step gradient statistics ({@link StepStats}:
 * global norm before clipping, clipped, skipped). Returns null when there are none (no step yet).
 * The tensors stay owned by the source; the writer combines them before the next step.
 */
export type StepStatsSource = () => StepStats | null;

/**
 * One line of `metrics.json`: detectron2's key names (`iteration`, `lr`, `total_loss`, `time`,
 * `data_time`, read by its `plot`/analysis tools) plus gradient statistics. Values are means over
 * the iterations since the previous line, except `iteration` and `lr` (the last step's).
 */
export interface MetricsRecord {
  /** The last iteration (0-based) this line covers. */
  readonly iteration: number;
  /** The LR the last step used (the reported group's; see `LrSchedulerHook`). */
  readonly lr?: number;
  /** Mean loss over the steps whose loss was finite; absent when none was. */
  readonly total_loss?: number;
  /** Mean seconds per step. */
  readonly time?: number;
  /** Mean seconds per step spent waiting for data. */
  readonly data_time?: number;
  /** Estimated seconds to `maxIter`, from the mean step time. */
  readonly eta_seconds?: number;
  /** Mean global gradient norm before clipping, over the steps where it was finite (not skipped); absent when none was. */
  readonly grad_norm?: number;
  /** Fraction of steps in which clipping changed a gradient. */
  readonly clipped_fraction?: number;
  /** Number of steps skipped (non-finite gradients) since the previous line. */
  readonly skipped_steps?: number;
}

/**
 * Host-side numbers that hooks share during training: the LR hook records `lr`, the
 * iteration timer `time` and `data_time`, and the metrics writer reads them.
 *
 * Why: detectron2's `EventStorage` idea without a global: each training run owns one and
 * passes it in the hook context, so hooks never reach into one another. Only plain numbers live
 * here; device scalars (the loss) stay on the device until a writer decides to read them.
 *
 * For each name it keeps the latest value and the mean over the current window (the values
 * put since the last {@link EventStorage.resetWindow}; the metrics writer resets after each write).
 *
 * @example
 * ```ts
 * const storage = new EventStorage();
 * storage.put('time', 0.2); storage.put('time', 0.4);
 * storage.latest('time');     // 0.4
 * storage.windowMean('time'); // 0.3
 * ```
 */
export class EventStorage {
  private readonly latestValues: Map<string, number> = new Map<string, number>();
  private readonly windows: Map<string, { sum: number; count: number }> = new Map<string, { sum: number; count: number }>();

  /** Records `value` under `name` (latest value, and into the current window). */
  public put(name: string, value: number): void {
    this.latestValues.set(name, value);
    const window: { sum: number; count: number } = this.windows.get(name) ?? { sum: 0, count: 0 };
    window.sum += value;
    window.count += 1;
    this.windows.set(name, window);
  }

  /** The last value put under `name`, or undefined when none was. */
  public latest(name: string): number | undefined {
    return this.latestValues.get(name);
  }

  /** The mean of the values put under `name` since the last window reset, or undefined when none. */
  public windowMean(name: string): number | undefined {
    const window: { sum: number; count: number } | undefined = this.windows.get(name);
    return window === undefined || window.count === 0 ? undefined : window.sum / window.count;
  }

  /** Starts a new window for every name (latest values are kept). */
  public resetWindow(): void {
    this.windows.clear();
  }
}

/**
 * Which parameter group's LR to report as `lr` in the metrics (detectron2's heuristic): when
 * every group holds a single parameter (per-parameter groups), the group with the largest LR;
 * otherwise the first group with the most parameters, whose LR is the "main" one.
 *
 * @param sizes parameters per group.
 * @param lrs each group's LR at the start.
 * @returns a group index (0 when `sizes` is empty).
 * @example
 * ```ts
 * pickReportedGroup([3, 1, 3], [0.1, 0.2, 0.3]); // 0 (first of the largest groups)
 * pickReportedGroup([1, 1], [0.1, 0.2]);         // 1 (largest LR)
 * ```
 */
export function pickReportedGroup(sizes: readonly number[], lrs: readonly number[]): number {
  const largest: number = Math.max(0, ...sizes);
  if (largest === 1) {
    const maxLr: number = Math.max(...lrs);
    return Math.max(0, lrs.indexOf(maxLr));
  }
  return Math.max(0, sizes.indexOf(largest));
}

/** Options of {@link IterationTimer}. */
export interface IterationTimerOptions {
  /** Milliseconds from some fixed origin. Default `performance.now()`. */
  readonly now?: () => number;
  /** Receives the summary line after training. Default: silent. */
  readonly logger?: Logger;
}

/**
 * Measures how long each step takes and records it as `time` (seconds) in the event storage;
 * logs the overall speed once training ends.
 *
 * Why a hook: timing is policy, not loop code (detectron2's `IterationTimer`). Register it
 * early so its `beforeStep` runs before other hooks' work is counted in the next step.
 * NOTE: on asynchronous backends (webgl, webgpu) a step returns before the device finishes, so
 * `time` measures dispatch; on cpu, wasm and tensorflow it is the real step time.
 *
 * @example
 * ```ts
 * const timer = new IterationTimer({ logger: console });
 * const trainer = new Trainer({ data, loss, optimizer, maxIter: 1000, hooks: [timer, lrHook, writer] });
 * ```
 */
export class IterationTimer implements Hook {
  private readonly now: () => number;
  private readonly logger: Logger;
  private stepStart: number = 0;
  private totalMs: number = 0;
  private steps: number = 0;

  /** @param options clock and logger (both optional). */
  public constructor(options: IterationTimerOptions = {}) {
    this.now = options.now ?? ((): number => performance.now());
    this.logger = options.logger ?? silentLogger;
  }

  /** Resets the totals for a new run. */
  public beforeTrain(): void {
    this.totalMs = 0;
    this.steps = 0;
  }

  /** Starts the clock for this step. */
  public beforeStep(): void {
    this.stepStart = this.now();
  }

  /** Records the step's duration as `time` (seconds). */
  public afterStep(ctx: HookContext): void {
    const elapsed: number = this.now() - this.stepStart;
    this.totalMs += elapsed;
    this.steps += 1;
    ctx.storage.put('time', elapsed / 1000);
  }

  /**
   * Logs the number of steps and the mean time per step, and when the run ended before `maxIter`,
   * where it stopped (a warning when it ran out of epochs or was stopped early).
   */
  public afterTrain(ctx: HookContext): void {
    if (this.steps > 0) {
      const seconds: number = this.totalMs / 1000;
      this.logger.info(`trained ${this.steps} iterations in ${seconds.toFixed(2)} s (${(seconds / this.steps).toFixed(4)} s/it)`);
    }
    if (ctx.ending === 'stopped' && ctx.iteration < ctx.maxIter) {
      this.logger.warn(`training stopped at iteration ${ctx.iteration}, short of SOLVER.MAX_ITER ${ctx.maxIter}; resume to continue`);
    }
  }
}

/** Device sums per window: loss, grad norm, clipped, skipped, finite-loss steps, finite-norm steps. */
const SLOTS: number = 6;

/** `[x, 1]` when `x` is finite, else `[0, 0]` (call inside `tf.tidy`). */
function finitePart(x: tf.Scalar): [tf.Scalar, tf.Scalar] {
  const finite: tf.Scalar = tf.isFinite(x);
  return [tf.where(finite, x, tf.zerosLike(x)), finite];
}

/** Options of {@link MetricsWriter}. */
export interface MetricsWriterOptions {
  /** File access (`nodeFileStore` on a disk). */
  readonly files: FileStore;
  /** The directory; the file is `dir/metrics.json` (`OUTPUT_DIR`). */
  readonly dir: string;
  /** Write a line every this many iterations, and after the last one. Default 20 (`TRAIN.LOG_PERIOD`). */
  readonly period?: number;
  /** The optimizer's per-step gradient statistics; omitted: no `grad_norm`/`clipped_fraction`/`skipped_steps`. */
  readonly stats?: StepStatsSource;
}

/**
 * Appends one JSON object per line to `metrics.json` every `period` iterations: detectron2's
 * format (see {@link MetricsRecord}).
 *
 * Why it costs no sync per step: the loss and gradient statistics are summed on the device
 * (one add per step) and read once per line, so logging does not stall the loop. Register it
 * after the LR hook and the iteration timer, whose numbers it reports. It also records
 * `total_loss` in the event storage when it writes, for the progress bar.
 *
 * @example
 * ```ts
 * new MetricsWriter({ files: nodeFileStore, dir: 'output', period: 20, stats: () => optimizer.lastStepStats() });
 * // output/metrics.json: {"iteration":19,"lr":0.01,"total_loss":0.53,"time":0.004,...}
 * ```
 */
export class MetricsWriter implements Hook {
  private readonly period: number;
  private sums: tf.Tensor1D | null = null;
  private steps: number = 0;
  private statSteps: number = 0;
  private lossSteps: number = 0;

  /** @throws SolverError kind `argument` when period is not an integer >= 1. */
  public constructor(private readonly options: MetricsWriterOptions) {
    this.period = options.period ?? 20;
    if (!Number.isInteger(this.period) || this.period < 1) {
      throw new SolverError('argument', `period (TRAIN.LOG_PERIOD): got ${this.period}, expected an integer >= 1`);
    }
  }

  /** Creates the output directory and starts a fresh window. */
  public async beforeTrain(ctx: HookContext): Promise<void> {
    await this.options.files.makeDir(this.options.dir);
    this.reset(ctx);
  }

  /**
   * Adds the step's loss and statistics to the device sums; writes a line at the end of a period.
   * A non-finite loss or norm (a skipped step) is left out of its mean and only counted, so one
   * NaN step does not blank the whole line (JSON has no NaN).
   */
  public async afterStep(ctx: HookContext): Promise<void> {
    const stats: StepStats | null = this.options.stats?.() ?? null;
    const previous: tf.Tensor1D = this.sums ?? tf.zeros([SLOTS]);
    this.sums = tf.tidy(() => {
      const zero: tf.Scalar = tf.scalar(0);
      const [loss, lossCount] = finitePart(ctx.loss ?? zero);
      const [norm, normCount] = finitePart(stats?.gradNorm ?? zero);
      const parts: tf.Scalar[] = [loss, norm, stats?.clipped ?? zero, stats?.skipped ?? zero, lossCount, normCount];
      return tf.add<tf.Tensor1D>(previous, tf.stack<tf.Scalar>(parts.map((part) => part.toFloat())).as1D());
    });
    previous.dispose();
    this.steps += 1;
    if (stats !== null) this.statSteps += 1;
    if (ctx.loss !== null) this.lossSteps += 1;
    const done: number = ctx.iteration + 1;
    if (done % this.period === 0 || done === ctx.maxIter) await this.write(ctx, ctx.iteration);
  }

  /** Writes what the last window holds (also after a failure, so the last numbers are on disk). */
  public async afterTrain(ctx: HookContext): Promise<void> {
    if (this.steps > 0) await this.write(ctx, ctx.iteration - 1);
    this.sums?.dispose();
    this.sums = null;
  }

  private async write(ctx: HookContext, last: number): Promise<void> {
    const sums: tf.Tensor1D | null = this.sums;
    const values: Float32Array = sums === null ? new Float32Array(SLOTS) : ((await sums.data()) as Float32Array);
    const [loss = 0, norm = 0, clipped = 0, skipped = 0, finiteLosses = 0, finiteNorms = 0] = values;
    const time: number | undefined = ctx.storage.windowMean('time');
    const dataTime: number | undefined = ctx.storage.windowMean('data_time');
    const record: MetricsRecord = {
      iteration: last,
      lr: ctx.storage.latest('lr'),
      total_loss: this.lossSteps === 0 || finiteLosses === 0 ? undefined : loss / finiteLosses,
      time,
      data_time: dataTime,
      eta_seconds: time === undefined ? undefined : time * Math.max(0, ctx.maxIter - last - 1),
      ...(this.statSteps > 0
        ? {
            grad_norm: finiteNorms === 0 ? undefined : norm / finiteNorms,
            clipped_fraction: clipped / this.statSteps,
            skipped_steps: skipped,
          }
        : {}),
    };
    if (record.total_loss !== undefined) ctx.storage.put('total_loss', record.total_loss);
    await this.options.files.append(`${this.options.dir}/metrics.json`, `${JSON.stringify(record)}\n`);
    this.reset(ctx);
  }

  private reset(ctx: HookContext): void {
    // Zeros, not null, so the writer holds exactly one tensor throughout training.
    this.sums?.dispose();
    this.sums = tf.zeros([SLOTS]);
    this.steps = 0;
    this.statSteps = 0;
    this.lossSteps = 0;
    ctx.storage.resetWindow();
  }
}
