import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../errors/index.js';
import type { ClipOutcome, Clipper } from './Clipper.js';
import type { ClipperOptions } from './ClipperOptions.js';
import { findNonFinite } from './findNonFinite.js';
import { pNorm } from './pNorm.js';
import { validateClipperOptions, type ResolvedClipperOptions } from './validateClipperOptions.js';
import { clipperFromAnalyse } from './clipperFromAnalyse.js';

/** SPEC §4's epsilon in `c = v / (n + 1e-6)`. */
const NORM_EPS = 1e-6;

/**
 * Builds the gradient clipper detectron2's `CLIP_GRADIENTS` describes (SPEC §4).
 *
 * Why: tfjs has no norm clipping (NOTES §0.1). `value` clamps every element to [−v, v]; `norm`
 * scales each parameter's gradient by `min(v / (‖g‖_p + 1e-6), 1)`; `full_model` (ext) does the
 * same with one norm over all gradients (the p-norm of the per-parameter norms) and hands the
 * coefficient to the update as a scale instead of copying the gradients; `none` (ext) clips
 * nothing but still measures and guards. No method waits on the device, except under
 * `nonFinite: 'error'`, which must read one flag per step to name the parameter on the host.
 * A zero gradient stays zero (no NaN). `skip` is carried out by the optimizer, from `stats.finite`.
 *
 * @param options clipType (`value`), clipValue (1), normType (2; any p >= 1 or Infinity),
 *   nonFinite (`skip`).
 * @returns a {@link Clipper} with `clip` and `analyse`.
 * @throws SolverError('argument') for a bad option; the returned clipper throws
 *   SolverError('nonFinite') naming the parameter under the `error` policy.
 * @example
 * ```ts
 * const clipper = buildGradientClipper({ clipType: 'norm', clipValue: 1 });
 * const out = tf.tidy(() => clipper.clip({ w: tf.tensor1d([3, 4]) })); // w ≈ [0.6, 0.8]
 * ```
 */
export function buildGradientClipper(options: ClipperOptions = {}): Required<Clipper> {
  const resolved = validateClipperOptions(options);
  const analyse = (grads: tf.NamedTensorMap): ClipOutcome => analyseGradients(grads, resolved);
  return clipperFromAnalyse(analyse);
}

function analyseGradients(grads: tf.NamedTensorMap, opts: ResolvedClipperOptions): ClipOutcome {
  if (opts.nonFinite === 'error') throwIfNonFinite(grads);
  const names = Object.keys(grads);
  const tensors = names.map((n) => grads[n] as tf.Tensor);
  const norms = tensors.map((g) => pNorm(g, opts.normType));
  const norm = norms.length === 0 ? tf.scalar(0) : pNorm(tf.stack(norms), opts.normType);
  const finite = tf.cast<tf.Scalar>(tf.isFinite(norm), 'float32');
  const v = opts.clipValue;
  const zero = tf.scalar(0);
  switch (opts.clipType) {
    case 'none':
      return { grads, gradScale: null, stats: { norm, finite, clipped: zero } };
    case 'value': {
      const out = mapGrads(names, tensors, (g) => tf.clipByValue(g, -v, v));
      const maxAbs = tensors.map((g) => (g.size === 0 ? zero : tf.max(tf.abs(g))));
      const clipped = maxAbs.length === 0 ? zero : tf.cast(tf.greater(tf.max(tf.stack(maxAbs)), v), 'float32');
      return { grads: out, gradScale: null, stats: { norm, finite, clipped: clipped as tf.Scalar } };
    }
    case 'norm': {
      const coefs = norms.map((n) => tf.div(v, tf.add(n, NORM_EPS)));
      const out = mapGrads(names, tensors, (g, i) => tf.mul(g, tf.minimum(coefs[i] as tf.Scalar, 1)));
      const clipped = coefs.length === 0 ? zero : tf.cast(tf.less(tf.min(tf.stack(coefs)), 1), 'float32');
      return { grads: out, gradScale: null, stats: { norm, finite, clipped: clipped as tf.Scalar } };
    }
    case 'full_model': {
      const coef = tf.div(v, tf.add(norm, NORM_EPS));
      const clipped = tf.cast(tf.less(coef, 1), 'float32') as tf.Scalar;
      return { grads, gradScale: tf.minimum<tf.Scalar>(coef, 1), stats: { norm, finite, clipped } };
    }
  }
}

function mapGrads(
  names: readonly string[],
  tensors: readonly tf.Tensor[],
  fn: (g: tf.Tensor, i: number) => tf.Tensor,
): tf.NamedTensorMap {
  return Object.fromEntries(names.map((n, i) => [n, fn(tensors[i] as tf.Tensor, i)]));
}

function throwIfNonFinite(grads: tf.NamedTensorMap): void {
  const bad = findNonFinite(grads);
  if (bad !== null) {
    throw new SolverError(
      'nonFinite',
      `gradient of '${bad}' is not finite (NaN or Infinity); CLIP_GRADIENTS.NONFINITE is 'error', so the step was not applied`,
    );
  }
}
