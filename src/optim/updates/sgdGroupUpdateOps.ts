import * as tf from '@tensorflow/tfjs';
import type { SgdGroupUpdate } from './GroupUpdate.js';
import { appliedSelector } from './appliedSelector.js';

/**
 * One SGD step for one group with plain tfjs ops, PyTorch's definition (SPEC §5): per
 * parameter `g ← s·g + λp`; `b ← μb + g` (b starts at zero, so the first step gives `b = g`);
 * `g ← g + μb` (nesterov) or `g ← b`; `p ← p − lr·g`. The LR stays outside the buffer, so an LR
 * change takes effect at once.
 *
 * Why plain ops: it runs on every backend and is the reference the fused kernels must match.
 * Follows the {@link SgdGroupUpdate} contract: assigns params and buffers, never syncs, leaves
 * no tensors behind.
 *
 * @example
 * ```ts
 * sgdGroupUpdateOps({ params: [w], grads: [g], buffers: [b] },
 *   { lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0 }, { gradScale: null, apply: null });
 * ```
 */
export const sgdGroupUpdateOps: SgdGroupUpdate = (group, hyper, control) => {
  tf.tidy(() => {
    const lr = tf.scalar(hyper.lr);
    const mu = tf.scalar(hyper.momentum);
    const lambda = tf.scalar(hyper.weightDecay);
    group.params.forEach((p, i) => {
      const raw = group.grads[i] as tf.Tensor;
      const select = appliedSelector(control.apply, p);
      let g = control.gradScale === null ? raw : tf.mul(raw, control.gradScale);
      if (hyper.weightDecay !== 0) g = tf.add(g, tf.mul(lambda, p));
      if (hyper.momentum !== 0) {
        const buffer = group.buffers[i] as tf.Variable;
        const b = tf.add(tf.mul(mu, buffer), g);
        g = hyper.nesterov ? tf.add(g, tf.mul(mu, b)) : b;
        buffer.assign(select(b, buffer));
      }
      p.assign(select(tf.sub(p, tf.mul(lr, g)), p));
    });
  });
};
