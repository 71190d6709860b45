import type * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../errors/index.js';
import type { AdamGroupUpdate } from '../updates/GroupUpdate.js';
import { assignOutputs } from './assignOutputs.js';
import { controlInputs } from './controlInputs.js';
import { ADAM_GROUP_KERNEL } from './kernelNames.js';

/**
 * One Adam/AdamW step for one group with the fused kernel: one pass over param, gradient, m and v
 * per tensor; the step counter, clip scale and skip flag are read inside the kernel, and the step
 * advances only when the update applies. Same numbers as `adamGroupUpdateOps` within float32 rounding.
 *
 * Why: the plain-ops Adam is ~15 tfjs ops per tensor, each a pass over memory on cpu and wasm.
 * Requires {@link registerFusedKernels} and the `cpu` or `wasm` backend.
 *
 * @throws SolverError('argument') when grads, m or v do not match params.
 * @throws SolverError('backend') when the kernel is not registered for the active backend.
 * @example
 * ```ts
 * registerFusedKernels();
 * fusedAdamGroupUpdate({ params: [w], grads: [g], m: [m], v: [v], step },
 *   { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true },
 *   { gradScale: null, apply: null });
 * ```
 */
export const fusedAdamGroupUpdate: AdamGroupUpdate = (group, hyper, control) => {
  const count = group.params.length;
  if (group.grads.length !== count || group.m.length !== count || group.v.length !== count) {
    throw new SolverError(
      'argument',
      `fusedAdamGroupUpdate: got ${count} params, ${group.grads.length} grads, ${group.m.length} m, ${group.v.length} v; expected the same count`,
    );
  }
  if (count === 0) {
    return;
  }
  const inputs: tf.NamedTensorMap = controlInputs(control);
  group.params.forEach((p, i) => {
    inputs[`p${i}`] = p;
    inputs[`g${i}`] = group.grads[i] as tf.Tensor;
    inputs[`m${i}`] = group.m[i] as tf.Variable;
    inputs[`v${i}`] = group.v[i] as tf.Variable;
  });
  inputs.step0 = group.step;
  const attrs = { count, ...hyper };
  assignOutputs(ADAM_GROUP_KERNEL, inputs, attrs, [...group.params, ...group.m, ...group.v, group.step]);
};
