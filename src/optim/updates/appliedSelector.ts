import * as tf from '@tensorflow/tfjs';

/** Picks `next` where the step applies and `previous` where it is skipped (see {@link appliedSelector}). */
export type AppliedSelect = <T extends tf.Tensor>(next: T, previous: T) => T;

/**
 * A selector for one parameter's new values: `next` when the step applies, `previous` when it is
 * skipped, decided on the device.
 *
 * Why `where` and not `previous + apply·(next − previous)`: a skipped step must leave the old
 * values bit-identical even when `next` holds NaN (NaN · 0 is NaN), and an applied one must give
 * `next` bit for bit. Why the condition is built once per parameter at full shape (as
 * `cast(zerosLike(like) + apply, 'bool')`): `tf.where` with a scalar condition broadcasts it
 * through tfjs's generic tile, which on wasm costs about 130 ms per 1M floats against about 1 ms
 * for an `add`; a full-shape condition costs about 4 ms once and each `where` about 6 ms, and the
 * param and its slots share it. Call inside `tf.tidy`.
 *
 * @param apply a scalar 1 (apply) or 0 (skip), or null for always apply (then no condition is built).
 * @param like a tensor with the parameter's shape (the parameter itself).
 * @returns a function giving `next` itself when `apply` is null, else a new tensor.
 */
export function appliedSelector(apply: tf.Scalar | null, like: tf.Tensor): AppliedSelect {
  if (apply === null) return (next) => next;
  const condition = tf.cast(tf.add(tf.zerosLike(like), apply), 'bool');
  return <T extends tf.Tensor>(next: T, previous: T): T => tf.where(condition, next, previous);
}
