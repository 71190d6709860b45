import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../errors/index.js';
import { GRAD_NORMS_KERNEL } from './kernelNames.js';

/**
 * p-norms of gradients in one read of each tensor (fused kernel, cpu and wasm): one norm per
 * tensor (a 1-D tensor, `global` false) or one over all of them (a scalar, `global` true; the
 * `full_model` norm of SPEC §4). Sums run in float64; a zero gradient gives 0, a NaN gives NaN.
 *
 * Why: the plain-ops norm is 2-3 passes per tensor (abs, power, sum) plus a stack; this is one.
 * Nothing waits on the device: the result is a tensor.
 *
 * @param grads the gradients (any shapes, float32).
 * @param p the norm's p: a number ≥ 1, or Infinity for max |x|.
 * @param global one norm over all (true) or one per tensor (false). Default true.
 * @returns a new scalar or 1-D tensor the caller disposes.
 * @throws SolverError('argument') for p < 1 or NaN; SolverError('backend') without the kernel.
 * @example
 * ```ts
 * registerFusedKernels();
 * const n = fusedGradNorms([tf.tensor1d([3, 4])], 2); // scalar 5
 * ```
 */
export function fusedGradNorms(grads: readonly tf.Tensor[], p: number, global = true): tf.Tensor {
  if (!(p >= 1)) {
    throw new SolverError('argument', `fusedGradNorms p: got ${p}, expected a number >= 1 or Infinity`);
  }
  const backendName = tf.getBackend();
  if ((tf.getKernel(GRAD_NORMS_KERNEL, backendName) as tf.KernelConfig | undefined) === undefined) {
    throw new SolverError('backend', `fused kernel ${GRAD_NORMS_KERNEL}: not registered for backend '${backendName}'; call registerFusedKernels() and use the cpu or wasm backend`);
  }
  const inputs: tf.NamedTensorMap = {};
  grads.forEach((g, i) => {
    inputs[`g${i}`] = g;
  });
  const attrs = { count: grads.length, p, global };
  return tf.engine().runKernel<tf.Tensor>(GRAD_NORMS_KERNEL, inputs, attrs);
}
