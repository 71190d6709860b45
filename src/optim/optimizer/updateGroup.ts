import type * as tf from '@tensorflow/tfjs';
import type { StepControl } from '../updates/GroupUpdate.js';
import type { GroupUpdates } from '../updates/selectGroupUpdates.js';
import { lookupVariable } from './lookupVariable.js';
import type { OptimizerGroup } from './OptimizerGroup.js';
import type { OptimizerSlots } from './OptimizerSlots.js';
import type { ResolvedOptimizerOptions } from './resolveOptimizerOptions.js';

/**
 * Runs one group's update through the GroupUpdate seam: the group's variables that have a
 * gradient this step, their slots (created as zeros on first use), the group's current LR and
 * weight decay. Call inside `tf.tidy`.
 *
 * @param group the group, with its current hyperparameters.
 * @param grads the (clipped) gradients by variable name.
 * @param control the clip scale and the on-device apply flag.
 * @param updates the implementations for the active backend.
 * @param opts the optimizer's options (rule, momentum, betas, eps).
 * @param slots the optimizer's state variables.
 */
export function updateGroup(
  group: OptimizerGroup,
  grads: tf.NamedTensorMap,
  control: StepControl,
  updates: GroupUpdates,
  opts: ResolvedOptimizerOptions,
  slots: OptimizerSlots,
): void {
  const names = group.names.filter((n) => grads[n] !== undefined);
  if (names.length === 0) return;
  const params = names.map(lookupVariable);
  const g = names.map((n) => grads[n] as tf.Tensor);
  const { momentum, nesterov, betas, eps, algorithm } = opts;
  if (algorithm === 'SGD') {
    const buffers = momentum === 0 ? [] : names.map((n) => slots.get({ key: `${n}/momentum`, like: n }));
    updates.sgd({ params, grads: g, buffers }, { lr: group.lr, momentum, nesterov, weightDecay: group.weightDecay }, control);
    return;
  }
  const m = names.map((n) => slots.get({ key: `${n}/m`, like: n }));
  const v = names.map((n) => slots.get({ key: `${n}/v`, like: n }));
  const step = slots.get({ key: `${group.names[0] ?? ''}/step`, like: null });
  const hyper = { lr: group.lr, beta1: betas[0], beta2: betas[1], eps, weightDecay: group.weightDecay, decoupled: algorithm === 'AdamW' };
  updates.adam({ params, grads: g, m, v, step }, hyper, control);
}
