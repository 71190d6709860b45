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

/**
 * Checks, before anything is written, that every tensor is float32 and that each companion list
 * (grads, slots) matches the params element for element in size: a mismatch would make a kernel
 * read past a buffer.
 *
 * @throws SolverError('argument') naming the kernel input and the sizes or dtype.
 */
export function checkGroup(params: readonly TensorInfo[], companions: Readonly<Record<string, readonly TensorInfo[]>>): void {
  const lists: [string, readonly TensorInfo[]][] = [['p', params], ...Object.entries(companions)];
  for (const [prefix, list] of lists) {
    list.forEach((info, i) => {
      if (info.dtype !== 'float32') {
        throw new SolverError('argument', `fused kernel input ${prefix}${i}: got dtype ${info.dtype}, expected float32`);
      }
      const p = params[i];
      if (p !== undefined && sizeOf(info) !== sizeOf(p)) {
        throw new SolverError('argument', `fused kernel input ${prefix}${i}: got shape [${info.shape.join(',')}], expected the size of p${i} [${p.shape.join(',')}]`);
      }
    });
  }
}
