import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../errors.js';
import type { DataSource } from './Trainer.js';

/**
 * A seeded pseudo-random generator of floats in [0, 1) (mulberry32: 32-bit state, fast, and
 * the same sequence on every platform).
 *
 * Why not `Math.random`: data order and initialisation must repeat exactly from `SEED` so a
 * resumed run continues bit for bit.
 *
 * @param seed any integer (taken modulo 2^32).
 * @returns a function that returns the next number each call.
 * @example
 * ```ts
 * const next = seededRandom(42);
 * next(); // the same first value on every run
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state: number = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t: number = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A permutation of `0 … n−1` drawn from `seed` (Fisher–Yates).
 * @example
 * ```ts
 * seededPermutation(5, 1); // the same order of 0..4 on every run
 * ```
 */
export function seededPermutation(n: number, seed: number): Int32Array {
  const next: () => number = seededRandom(seed);
  const order: Int32Array = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j: number = Math.floor(next() * (i + 1));
    const swap: number = order[i] ?? 0;
    order[i] = order[j] ?? 0;
    order[j] = swap;
  }
  return order;
}

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
      throw new SolverError(
        'argument',
        `batchSize (SOLVER.IMS_PER_BATCH): got ${options.batchSize}, expected an integer in [1, ${samples}]`,
      );
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
