import type * as tf from '@tensorflow/tfjs';
import type { ClipOutcome, Clipper } from '../optim/clip/Clipper.js';
import type { GradientReducer } from './GradientReducer.js';

const passThrough: Clipper = Object.freeze({
  clip(grads: tf.NamedTensorMap): tf.NamedTensorMap {
    return grads;
  },
});

function analyses(clipper: Clipper): clipper is Clipper & Required<Pick<Clipper, 'analyse'>> {
  return clipper.analyse !== undefined;
}

/**
 * A {@link Clipper} that first reduces the gradients (all-reduce across workers) and then clips
 * them: the one place the gradient reducer runs, for both the `Trainer` and `model.fit`.
 *
 * Why inside the clipper: `model.fit` hands gradients straight to the optimizer's
 * `applyGradients`, whose first stage is the clipper, so this is the only point where both loops
 * can reduce between backward and clip. With the identity reducer, pass the clipper as is.
 *
 * @param reducer the gradient reducer.
 * @param clipper the clipper to run after it; none: no clipping.
 * @returns a clipper that keeps `clipper.analyse` (statistics, skip on non-finite) when it has one.
 */
export function reducingClipper(reducer: GradientReducer, clipper: Clipper = passThrough): Clipper {
  const reduced: Clipper = {
    clip: (grads: tf.NamedTensorMap): tf.NamedTensorMap => clipper.clip(reducer.reduce(grads)),
  };
  if (!analyses(clipper)) return reduced;
  return { ...reduced, analyse: (grads: tf.NamedTensorMap): ClipOutcome => clipper.analyse(reducer.reduce(grads)) };
}
