import * as tf from '@tensorflow/tfjs';

/**
 * The p-norm of all elements of `x`: `(Σ|x|^p)^(1/p)`, or `max|x|` for `p = Infinity`.
 *
 * Why not `tf.norm`: it supports only p ∈ {1, 2, ∞} (NOTES §2.6) and detectron2's NORM_TYPE
 * may be any p >= 1. A zero tensor gives 0 (no NaN). Call inside `tf.tidy`.
 *
 * @param x any tensor.
 * @param p p >= 1 or Infinity (validated by the caller).
 * @returns a new scalar.
 */
export function pNorm(x: tf.Tensor, p: number): tf.Scalar {
  const a = tf.abs(x);
  if (p === Infinity) return a.size === 0 ? tf.scalar(0) : tf.max(a);
  if (p === 1) return tf.sum(a);
  if (p === 2) return tf.sqrt(tf.sum<tf.Scalar>(tf.square(a)));
  return tf.pow<tf.Scalar>(tf.sum(tf.pow(a, p)), 1 / p);
}
