import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../errors/SolverError.js';
import type { DataSource } from './DataSource.js';
import { seededPermutation } from './seededRandom.js';

/** One batch of inputs and targets. */
export interface Batch {
  readonly xs: tf.Tensor;
  readonly ys: tf.Tensor;
}

/** Options of {@link ShuffledBatches}. */
export interface ShuffledBatchesOptions {
  /** Inputs, first axis = samples (kept by the caller). */
  readonly xs: tf.Tensor;
  /** Targets, first axis = samples (kept by the caller). */
  readonly ys: tf.Tensor;
  /** Samples per batch (`SOLVER.IMS_PER_BATCH`); an integer in [1, number of samples]. */
  readonly batchSize: number;
  /** Seed of the shuffles (`SEED`). */
  readonly seed: number;
}

/**
 * Batches of in-memory tensors, reshuffled every epoch from a seed, where the batch of
 * iteration `i` depends only on `(seed, i)`.
 *
 * Why: exact resume needs the resumed run to see the same batches the uninterrupted run would
 * have; an iterator that must be replayed from the start cannot give that cheaply. An epoch is
 * `floor(n / batchSize)` batches (the remainder of each shuffle is dropped, as `drop_last`).
 *
 * @example
 * ```ts
 * const data = new ShuffledBatches({ xs, ys, batchSize: 32, seed: 42 });
 * const { xs: bx, ys: by } = data.batch(1000); // the same samples on every run
 * ```
 */
export class ShuffledBatches implements DataSource<Batch> {
  private readonly perEpoch: number;
  private epoch: number = -1;
  private order: Int32Array = new Int32Array(0);

  /** @throws SolverError kind `argument` for a batch size outside [1, samples] or mismatched sample counts. */
  public constructor(private readonly options: ShuffledBatchesOptions) {
    const samples: number = options.xs.shape[0];
    if (options.ys.shape[0] !== samples) {
      throw new SolverError('argument', `ShuffledBatches ys: got ${options.ys.shape[0]} samples, xs has ${samples}`);
    }
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > samples) {
      throw new SolverError('argument', `batchSize (SOLVER.IMS_PER_BATCH): got ${options.batchSize}, expected an integer in [1, ${samples}]`);
    }
    this.perEpoch = Math.floor(samples / options.batchSize);
  }

  /** The number of batches in one epoch. */
  public get batchesPerEpoch(): number {
    return this.perEpoch;
  }

  /** The batch of `iteration` (new tensors; the caller disposes them). */
  public batch(iteration: number): Batch {
    const epoch: number = Math.floor(iteration / this.perEpoch);
    if (epoch !== this.epoch) {
      const epochSeed: number = (this.options.seed + Math.imul(epoch + 1, 0x9e3779b9)) >>> 0;
      this.order = seededPermutation(this.options.xs.shape[0], epochSeed);
      this.epoch = epoch;
    }
    const start: number = (iteration % this.perEpoch) * this.options.batchSize;
    const rows: Int32Array = this.order.slice(start, start + this.options.batchSize);
    return tf.tidy(() => {
      const indices: tf.Tensor1D = tf.tensor1d(rows, 'int32');
      return { xs: tf.gather(this.options.xs, indices), ys: tf.gather(this.options.ys, indices) };
    });
  }
}
