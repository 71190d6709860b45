import type * as tf from '@tensorflow/tfjs';

/**
 * Combines gradients across workers before clipping: the seam where a multi-worker all-reduce
 * goes (DESIGN "Scale"). One process on one machine needs none: {@link identityReducer}.
 *
 * Contract: called inside `tf.tidy`, synchronously, with the gradients of one step; returns
 * gradients with the same keys and shapes (new tensors or the inputs unchanged).
 */
export interface GradientReducer {
  reduce(grads: tf.NamedTensorMap): tf.NamedTensorMap;
}

/** The single-process reducer: returns the gradients unchanged. */
export const identityReducer: GradientReducer = Object.freeze({
  reduce(grads: tf.NamedTensorMap): tf.NamedTensorMap {
    return grads;
  },
});
