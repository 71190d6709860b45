import * as tf from '@tensorflow/tfjs';
import type { Batch } from './ShuffledBatches.js';

/**
 * The {@link Trainer}'s `loss` for a `tf.LayersModel`: runs the model in training mode
 * (BatchNormalization uses batch statistics and updates its moving averages, as in `fit`)
 * and applies `lossFn(ys, prediction)`.
 *
 * @param model the model.
 * @param lossFn e.g. `tf.losses.sigmoidCrossEntropy` or `tf.losses.meanSquaredError`.
 * @example
 * ```ts
 * new Trainer({ loss: layersModelLoss(model, tf.losses.meanSquaredError), ... });
 * ```
 */
export function layersModelLoss(
  model: tf.LayersModel,
  lossFn: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor,
): (batch: Batch) => tf.Scalar {
  return (batch: Batch): tf.Scalar => {
    const prediction: tf.Tensor = model.apply(batch.xs, { training: true }) as tf.Tensor;
    return tf.mean(lossFn(batch.ys, prediction));
  };
}
