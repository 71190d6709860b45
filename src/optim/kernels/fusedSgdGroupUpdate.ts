import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../errors/index.js';
import type { SgdGroupUpdate } from '../updates/GroupUpdate.js';
import { assignOutputs } from './assignOutputs.js';
import { controlInputs } from './controlInputs.js';
import { SGD_GROUP_KERNEL } from './kernelNames.js';

/**
 * One SGD step for one group with the fused kernel: one pass over param, gradient and momentum
 * buffer per tensor, clip scale and skip flag read inside the kernel (SPEC §5, same numbers as
 * `sgdGroupUpdateOps` within float32 rounding).
 *
 * Why: on the cpu and wasm backends every tfjs op is a separate pass over memory; SGD with
 * nesterov, decay and a clip scale is ~8 ops per tensor. Fused, the step moves each byte once.
 * The kernel overwrites a variable's buffer when the variable is its only holder, otherwise it
 * writes a new one (see KernelMemory.updated); either way the result is `assign`ed.
 *
 * Requires {@link registerFusedKernels} to have run and the active backend to be `cpu` or `wasm`.
 *
 * @throws SolverError('argument') when buffers are missing for momentum ≠ 0 or grads do not match params.
 * @throws SolverError('backend') when the kernel is not registered for the active backend.
 * @example
 * ```ts
 * registerFusedKernels();
 * fusedSgdGroupUpdate({ params: [w], grads: [g], buffers: [b] },
 *   { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 }, { gradScale: null, apply: null });
 * ```
 */
export const fusedSgdGroupUpdate: SgdGroupUpdate = (group, hyper, control) => {
  const count = group.params.length;
  const withMomentum = hyper.momentum !== 0;
  if (group.grads.length !== count || (withMomentum && group.buffers.length !== count)) {
    throw new SolverError(
      'argument',
      `fusedSgdGroupUpdate: got ${count} params, ${group.grads.length} grads, ${group.buffers.length} buffers; ` +
        `expected as many grads${withMomentum ? ' and buffers' : ''} as params`,
    );
  }
  if (count === 0) {
    return;
  }
  const inputs: tf.NamedTensorMap = controlInputs(control);
  group.params.forEach((p, i) => {
    inputs[`p${i}`] = p;
    inputs[`g${i}`] = group.grads[i] as tf.Tensor;
    if (withMomentum) {
      inputs[`b${i}`] = group.buffers[i] as tf.Variable;
    }
  });
  const attrs = { count, lr: hyper.lr, momentum: hyper.momentum, nesterov: hyper.nesterov, weightDecay: hyper.weightDecay };
  assignOutputs(SGD_GROUP_KERNEL, inputs, attrs, [...group.params, ...(withMomentum ? group.buffers : [])]);
};
