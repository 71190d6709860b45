import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../errors/SolverError.js';
import { seededRandom } from '../seededRandom.js';

/** The demo data set: points in the plane and their class (0 or 1). */
export interface SpiralData {
  /** `[n, 2]` float32 coordinates. */
  readonly xs: tf.Tensor2D;
  /** `[n, 1]` float32 labels, 0 or 1. */
  readonly ys: tf.Tensor2D;
}

/**
 * Two interleaved spirals, one per class, with a little noise, drawn from `seed`
 * (`DEMO.NUM_SAMPLES`, `SEED`).
 *
 * Why this set: no linear model separates it, a small MLP does, so the loss visibly drops
 * within a few hundred steps; and it needs no download.
 *
 * @param numSamples total points (half per class), an integer >= 2.
 * @param seed the generator's seed.
 * @returns new tensors; the caller disposes them.
 * @throws SolverError kind `config` when numSamples is not an integer >= 2.
 */
export function twoSpirals(numSamples: number, seed: number): SpiralData {
  if (!Number.isInteger(numSamples) || numSamples < 2) {
    throw new SolverError('config', `DEMO.NUM_SAMPLES: got ${numSamples}, expected an integer >= 2`);
  }
  const next: () => number = seededRandom(seed);
  const points: Float32Array = new Float32Array(numSamples * 2);
  const labels: Float32Array = new Float32Array(numSamples);
  for (let i = 0; i < numSamples; i++) {
    const label: number = i % 2;
    const t: number = 0.25 + 2.5 * Math.PI * next();
    const sign: number = label === 0 ? 1 : -1;
    points[2 * i] = (sign * t * Math.cos(t)) / 8 + 0.05 * (next() - 0.5);
    points[2 * i + 1] = (sign * t * Math.sin(t)) / 8 + 0.05 * (next() - 0.5);
    labels[i] = label;
  }
  return { xs: tf.tensor2d(points, [numSamples, 2]), ys: tf.tensor2d(labels, [numSamples, 1]) };
}
