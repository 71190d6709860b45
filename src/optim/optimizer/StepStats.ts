import type * as tf from '@tensorflow/tfjs';

/**
 * Statistics of the optimizer's last step, as device scalars the optimizer owns (kept until
 * the next step or `dispose`; clone one to keep it longer). Reading one is a device sync: a
 * metrics hook does it every N steps, the step itself never does.
 */
export interface StepStats {
  /** p-norm of all gradients before clipping (p = the clipper's normType; 2 without clipping). */
  readonly gradNorm: tf.Scalar;
  /** 1 when clipping changed a gradient, else 0. */
  readonly clipped: tf.Scalar;
  /** 1 when the step was skipped because a gradient was not finite, else 0. */
  readonly skipped: tf.Scalar;
  /** Steps skipped since construction (or since state was loaded). */
  readonly skippedTotal: tf.Scalar;
}
