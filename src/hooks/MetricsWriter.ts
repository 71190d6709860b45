import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../errors/SolverError.js';
import type { FileStore } from '../io/FileStore.js';
import type { Hook } from './Hook.js';
import type { HookContext } from './HookContext.js';
import type { MetricsRecord } from './MetricsRecord.js';
import type { StepStats } from '../optim/optimizer/StepStats.js';
import type { StepStatsSource } from './StepStatsSource.js';

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
 * new MetricsWriter({ files: nodeFileStore, dir: 'output', period: 20, stats: () => optimizer.lastStats });
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
        ? { grad_norm: finiteNorms === 0 ? undefined : norm / finiteNorms, clipped_fraction: clipped / this.statSteps, skipped_steps: skipped }
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
