import type * as tf from '@tensorflow/tfjs';

/**
 * The gradients `applyGradients` receives, as a map without missing entries.
 *
 * Why: `minimize` passes an array in variable order whose tensors may be absent for variables
 * the loss does not reach; custom loops pass a map. Both mean: update what has a gradient.
 *
 * @param gradients a map or `{name, tensor}` array.
 * @returns a new map holding the same tensors.
 */
export function toGradientMap(
  gradients: tf.NamedTensorMap | readonly { name: string; tensor: tf.Tensor | null | undefined }[],
): tf.NamedTensorMap {
  const entries: [string, tf.Tensor | null | undefined][] = Array.isArray(gradients)
    ? (gradients as readonly { name: string; tensor: tf.Tensor | null | undefined }[]).map((g) => [g.name, g.tensor])
    : Object.entries(gradients as tf.NamedTensorMap);
  return Object.fromEntries(entries.filter((e): e is [string, tf.Tensor] => e[1] !== null && e[1] !== undefined));
}
