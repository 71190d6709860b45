import type * as tf from '@tensorflow/tfjs';

/**
 * The seam between the optimizer shell and the arithmetic of one parameter group's update.
 *
 * Why a seam: the optimizer (`tf.Optimizer` subclass) decides *what* to update and with which
 * hyperparameters; a `GroupUpdate` implementation decides *how* the bytes move. The plain-ops
 * implementation works on every backend; fused kernels (one pass over param, grad and slots)
 * can replace it on backends that have them, and both must give the same numbers.
 *
 * Contract for every implementation:
 * - It is the only place that writes variables: it `assign`s new values to `params` and slots.
 * - It never waits on the device (no `dataSync`/`arraySync`/`data`).
 * - It leaves no tensors behind except the variables' new values.
 * - `control.gradScale` (a scalar, or null for 1) multiplies every gradient before anything
 *   else: that is how a clip coefficient reaches the update without a sync.
 * - `control.apply` (a scalar 1 or 0, or null for 1): when 0, params and slots keep their old
 *   values exactly (a skipped step), decided on the device.
 */
export interface StepControl {
  readonly gradScale: tf.Scalar | null;
  readonly apply: tf.Scalar | null;
}

/** SGD hyperparameters of one group, PyTorch's definition (SPEC §5), dampening 0. */
export interface SgdHyperparams {
  readonly lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
}

/**
 * One group's tensors for SGD. `buffers[i]` is the momentum buffer of `params[i]`, created as
 * zeros (then `b ← μ·0 + g = g` on the first step, exactly PyTorch's `b ← g`); empty when
 * momentum is 0.
 */
export interface SgdGroupTensors {
  readonly params: readonly tf.Variable[];
  readonly grads: readonly tf.Tensor[];
  readonly buffers: readonly tf.Variable[];
}

/** Applies one SGD step to one group in place (see {@link StepControl} for the contract). */
export type SgdGroupUpdate = (group: SgdGroupTensors, hyper: SgdHyperparams, control: StepControl) => void;

/**
 * Adam/AdamW hyperparameters of one group, PyTorch's definition. `decoupled` true is AdamW
 * (`p ← p·(1 − lr·λ)`), false is Adam (`g ← g + λp`).
 */
export interface AdamHyperparams {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
}

/**
 * One group's tensors for Adam/AdamW. `step` is a scalar variable counting the updates applied
 * to this group so far; the update increments it by `apply` (so a skipped step does not count)
 * and uses the incremented value for bias correction.
 */
export interface AdamGroupTensors {
  readonly params: readonly tf.Variable[];
  readonly grads: readonly tf.Tensor[];
  readonly m: readonly tf.Variable[];
  readonly v: readonly tf.Variable[];
  readonly step: tf.Variable;
}

/** Applies one Adam/AdamW step to one group in place (see {@link StepControl} for the contract). */
export type AdamGroupUpdate = (group: AdamGroupTensors, hyper: AdamHyperparams, control: StepControl) => void;
