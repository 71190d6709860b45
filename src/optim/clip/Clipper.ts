import type * as tf from '@tensorflow/tfjs';

/**
 * Per-step gradient statistics, as device scalars (reading them is the caller's choice of sync).
 * `norm`: the p-norm (p = NORM_TYPE) of all gradients together, before clipping.
 * `clipped`: 1 when clipping changed some gradient, else 0. `finite`: 1 when `norm` is finite.
 */
export interface GradientStats {
  readonly norm: tf.Scalar;
  readonly clipped: tf.Scalar;
  readonly finite: tf.Scalar;
}

/**
 * What a clipper hands the optimizer: the gradients to apply, an optional scale every gradient
 * is multiplied by (so a global coefficient reaches a fused update without materialising clipped
 * copies), and the step's statistics. All tensors are new except `grads` entries that are unchanged inputs.
 */
export interface ClipOutcome {
  readonly grads: tf.NamedTensorMap;
  readonly gradScale: tf.Scalar | null;
  readonly stats: GradientStats;
}

/**
 * Gradients in, gradients out: clipping as one link between backward and the update (DESIGN).
 *
 * Why an interface: a user (or the DI container) can supply their own; the optimizer only needs
 * `clip`. A clipper that also implements `analyse` lets the optimizer skip non-finite steps on the
 * device, report statistics and fuse a global coefficient into the update. Neither method may
 * wait on the device unless its non-finite policy is `error`. Call them inside `tf.tidy`:
 * returned tensors are new, except gradients returned unchanged.
 */
export interface Clipper {
  /** Returns the clipped gradients, keyed as the input. */
  clip(grads: tf.NamedTensorMap): tf.NamedTensorMap;
  /** Returns the gradients to apply, an optional global scale, and the step's statistics. */
  analyse?(grads: tf.NamedTensorMap): ClipOutcome;
}
