import * as tf from '@tensorflow/tfjs';

/**
 * `next` where the step applies, `previous` where it is skipped, decided on the device.
 *
 * Why `where` and not `previous + apply·(next − previous)`: a skipped step must leave the old
 * values bit-identical even when `next` holds NaN (NaN · 0 is NaN). Call inside `tf.tidy`.
 *
 * @param apply a scalar 1 (apply) or 0 (skip), or null for always apply.
 * @param next the updated value.
 * @param previous the current value.
 * @returns `next` itself when `apply` is null, else a new tensor.
 */
export function selectApplied<T extends tf.Tensor>(apply: tf.Scalar | null, next: T, previous: T): T {
  if (apply === null) return next;
  return tf.where(tf.greater(apply, 0), next, previous);
}
