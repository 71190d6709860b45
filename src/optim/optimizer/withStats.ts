import * as tf from '@tensorflow/tfjs';
import type { ClipOutcome, Clipper } from '../clip/Clipper.js';
import type { NonFinitePolicy } from '../clip/ClipperOptions.js';
import { buildGradientClipper } from '../clip/buildGradientClipper.js';

/**
 * Gives a clipper that only has `clip` an `analyse`, so the optimizer treats every clipper alike.
 *
 * Why: a user's or the container's clipper needs only `clip`; the optimizer still has to guard
 * against non-finite gradients and report statistics. The guard and the norm are measured on the
 * raw gradients (policy `nonFinite`); `clipped` is 1 when the clipped gradients' 2-norm is smaller.
 *
 * @param clipper any clipper; returned unchanged when it already has `analyse`.
 * @param nonFinite the policy for the raw gradients.
 * @returns a clipper with both methods.
 */
export function withStats(clipper: Clipper, nonFinite: NonFinitePolicy): Required<Clipper> {
  if (clipper.analyse !== undefined) return clipper as Required<Clipper>;
  const guard = buildGradientClipper({ clipType: 'none', normType: 2, nonFinite });
  const analyse = (grads: tf.NamedTensorMap): ClipOutcome => {
    const { stats } = guard.analyse(grads);
    const out = clipper.clip(grads);
    const outNorm = buildGradientClipper({ clipType: 'none', nonFinite: 'none' }).analyse(out).stats.norm;
    const clipped = tf.cast(tf.less<tf.Scalar>(outNorm, stats.norm), 'float32');
    return { grads: out, gradScale: null, stats: { ...stats, clipped } };
  };
  return { clip: (grads) => clipper.clip(grads), analyse };
}
