import type * as tf from '@tensorflow/tfjs';

/** A tensor with a name: the element type of `tf.Optimizer.getWeights()` (tfjs does not export its own). */
export interface NamedTensor {
  readonly name: string;
  readonly tensor: tf.Tensor;
}
