import * as tf from '@tensorflow/tfjs';
import type { ClipOutcome, Clipper } from './Clipper.js';

/**
 * A full {@link Clipper} from its `analyse`: `clip` applies the outcome's `gradScale` (when there is
 * one) to every gradient, inside its own `tf.tidy`.
 *
 * Why: every built-in clipper decides once, in `analyse`, what the optimizer should apply; `clip`
 * is the same outcome materialised for callers that want clipped gradients (a custom loop, a test).
 *
 * @param analyse the clipper's analysis (call it inside `tf.tidy`).
 * @returns the clipper with both methods.
 */
export function clipperFromAnalyse(analyse: (grads: tf.NamedTensorMap) => ClipOutcome): Required<Clipper> {
  return {
    analyse,
    clip: (grads) =>
      tf.tidy(() => {
        const { grads: out, gradScale } = analyse(grads);
        if (gradScale === null) return out;
        return Object.fromEntries(Object.entries(out).map(([n, g]) => [n, tf.mul(g, gradScale)]));
      }),
  };
}
