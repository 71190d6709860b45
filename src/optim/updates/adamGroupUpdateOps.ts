import * as tf from '@tensorflow/tfjs';
import type { AdamGroupUpdate } from './GroupUpdate.js';
import { appliedSelector } from './appliedSelector.js';

/**
 * One Adam/AdamW step for one group with plain tfjs ops, PyTorch's formulas: `t ← t + apply`;
 * `g ← s·g` (`+ λp` for Adam); AdamW first decays `p ← p(1 − lr·λ)`; `m ← β1·m + (1−β1)g`;
 * `v ← β2·v + (1−β2)g²`; `p ← p − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)`.
 *
 * Why plain ops: it runs on every backend and is the reference the fused kernels must match.
 * The step count lives on the device, so a skipped step (apply 0) does not advance the bias
 * correction and nothing waits on the device. Follows the {@link AdamGroupUpdate} contract.
 *
 * @example
 * ```ts
 * adamGroupUpdateOps({ params: [w], grads: [g], m: [m], v: [v], step },
 *   { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true },
 *   { gradScale: null, apply: null });
 * ```
 */
export const adamGroupUpdateOps: AdamGroupUpdate = (group, hyper, control) => {
  tf.tidy(() => {
    const t = tf.add(group.step, control.apply ?? 1);
    const b1 = tf.scalar(hyper.beta1);
    const b2 = tf.scalar(hyper.beta2);
    const stepSize = tf.div(hyper.lr, tf.sub(1, tf.pow(b1, t)));
    const correction2Sqrt = tf.sqrt(tf.sub(1, tf.pow(b2, t)));
    const lambda = tf.scalar(hyper.weightDecay);
    group.params.forEach((p, i) => {
      const raw = group.grads[i] as tf.Tensor;
      const mVar = group.m[i] as tf.Variable;
      const vVar = group.v[i] as tf.Variable;
      const select = appliedSelector(control.apply, p);
      let g = control.gradScale === null ? raw : tf.mul(raw, control.gradScale);
      let base: tf.Tensor = p;
      if (hyper.weightDecay !== 0 && hyper.decoupled) base = tf.mul(p, tf.sub(1, tf.mul(hyper.lr, lambda)));
      if (hyper.weightDecay !== 0 && !hyper.decoupled) g = tf.add(g, tf.mul(lambda, p));
      const m = tf.add(tf.mul(b1, mVar), tf.mul(tf.sub(1, b1), g));
      const v = tf.add(tf.mul(b2, vVar), tf.mul(tf.sub(1, b2), tf.square(g)));
      const denom = tf.add(tf.div(tf.sqrt(v), correction2Sqrt), hyper.eps);
      const next = tf.sub(base, tf.mul(stepSize, tf.div(m, denom)));
      mVar.assign(select(m, mVar));
      vVar.assign(select(v, vVar));
      p.assign(select(next, p));
    });
    group.step.assign(t);
  });
};
