import * as tf from '@tensorflow/tfjs';

/**
 * The name of the first gradient holding a NaN or an infinity, or null when all are finite.
 *
 * NOTE: this waits on the device (one `dataSync` of one small vector); it runs only under the
 * `error` policy, which must name the parameter on the host.
 *
 * @param grads the gradients to inspect; not disposed.
 * @returns the offending variable name, or null.
 */
export function findNonFinite(grads: tf.NamedTensorMap): string | null {
  const names = Object.keys(grads);
  if (names.length === 0) return null;
  const flags = tf.tidy(() =>
    tf.stack(names.map((n) => tf.all(tf.isFinite(grads[n] as tf.Tensor)).cast('int32'))),
  );
  const values = flags.dataSync();
  flags.dispose();
  const index = values.findIndex((v) => v === 0);
  return index < 0 ? null : (names[index] ?? null);
}
