import * as tf from '@tensorflow/tfjs';
import type { SpiralData } from '../../train/demo/twoSpirals.js';

/** Mean sigmoid cross-entropy and accuracy of `model` on all of `data` (inference mode; one sync). */
export async function evaluateDemo(model: tf.LayersModel, data: SpiralData): Promise<{ loss: number; accuracy: number }> {
  const both: tf.Tensor1D = tf.tidy(() => {
    const logits: tf.Tensor = model.predict(data.xs) as tf.Tensor;
    const loss: tf.Scalar = tf.losses.sigmoidCrossEntropy(data.ys, logits);
    const correct: tf.Scalar = tf.mean(tf.cast(tf.equal(tf.greater(logits, 0), tf.greater(data.ys, 0.5)), 'float32'));
    return tf.stack([loss, correct]) as tf.Tensor1D;
  });
  const [loss = Number.NaN, accuracy = Number.NaN] = await both.data();
  both.dispose();
  return { loss, accuracy };
}
