import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../../src/train/data.js';

/**
 * A tiny linear regression for loop tests: y = x·[1, −2] + 0.5 on 16 fixed samples; the model is
 * variables `tiny/w` [2, 1] and `tiny/b` [1], created with fixed values (dispose them after).
 */
export interface TinyProblem {
  readonly xs: tf.Tensor2D;
  readonly ys: tf.Tensor2D;
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  readonly loss: (batch: Batch) => tf.Scalar;
  readonly variables: Map<string, tf.Variable>;
  dispose(): void;
}

export function tinyProblem(): TinyProblem {
  const xs: tf.Tensor2D = tf.tensor2d(
    Array.from({ length: 32 }, (_, i) => ((i * 7) % 11) / 5 - 1),
    [16, 2],
  );
  const ys: tf.Tensor2D = tf.tidy(() => xs.matMul(tf.tensor2d([[1], [-2]])).add(0.5));
  const w: tf.Variable = tf.tidy(() => tf.variable(tf.tensor2d([[0.1], [0.2]]), true, 'tiny/w'));
  const b: tf.Variable = tf.tidy(() => tf.variable(tf.tensor1d([0]), true, 'tiny/b'));
  return {
    xs,
    ys,
    w,
    b,
    loss: (batch: Batch): tf.Scalar => tf.losses.meanSquaredError(batch.ys, batch.xs.matMul(w).add(b)),
    variables: new Map([
      ['tiny/w', w],
      ['tiny/b', b],
    ]),
    dispose(): void {
      tf.dispose([xs, ys, w, b]);
    },
  };
}
