import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { SolverError } from '../../errors/index.js';

/**
 * The `count` inputs named `prefix0 … prefix{count−1}` of a fused group kernel, in order.
 * Group kernels take one input per tensor (`p0, g0, b0, p1, …`) because tfjs kernels take a flat
 * map of named tensors.
 *
 * @throws SolverError('argument') naming the first missing input.
 */
export function groupInputs(inputs: NamedTensorInfoMap, prefix: string, count: number): TensorInfo[] {
  return Array.from({ length: count }, (_, i) => {
    const info = inputs[`${prefix}${i}`];
    if (info === undefined) {
      throw new SolverError('argument', `fused kernel input ${prefix}${i}: missing, expected ${count} tensors named ${prefix}0..${prefix}${count - 1}`);
    }
    return info;
  });
}

/** Number of elements of a tensor. */
export function sizeOf(info: TensorInfo): number {
  return info.shape.reduce((a, b) => a * b, 1);
}
