import * as tf from '@tensorflow/tfjs';
import type { ClipOutcome, Clipper } from '../clip/Clipper.js';
import type { ClipperOptions } from '../clip/ClipperOptions.js';
import { buildGradientClipper } from '../clip/buildGradientClipper.js';
import { validateClipperOptions } from '../clip/validateClipperOptions.js';
import { fusedGradNorms } from './fusedGradNorms.js';
import { GRAD_NORMS_KERNEL } from './kernelNames.js';
import { clipperFromAnalyse } from '../clip/clipperFromAnalyse.js';

/** SPEC §4's epsilon in `c = v / (n + 1e-6)`. */
const NORM_EPS = 1e-6;

/**
 * The clipper of {@link buildGradientClipper} with the global norm computed by the fused p-norm
 * kernel: one read per gradient instead of abs + power + sum per tensor. Same outcome (SPEC §4:
 * `gradScale = min(v / (‖g‖ + 1e-6), 1)` for `full_model`; statistics `norm`, `clipped`, `finite`)
 * within float32 rounding.
 *
 * Why a wrapper: the fused path applies only where it helps and is exact — `full_model` and
 * `none` (which still measures the norm for the non-finite guard), policy not `error`, on a
 * backend with the kernel (decided at each call, so a backend switch is followed). Everything
 * else (`value`, `norm`, the `error` policy, other backends) goes to buildGradientClipper's clipper.
 *
 * @param options as buildGradientClipper: clipType (`value`), clipValue (1), normType (2), nonFinite (`skip`).
 * @returns a {@link Clipper} with `clip` and `analyse`; like buildGradientClipper's, call them inside `tf.tidy`.
 * @throws SolverError('argument') for a bad option (from buildGradientClipper's validation).
 * @example
 * ```ts
 * registerFusedKernels();
 * const optimizer = new SolverOptimizer({ groups, momentum: 0.9,
 *   clipper: fusedGradientClipper({ clipType: 'full_model', clipValue: 1 }) });
 * ```
 */
export function fusedGradientClipper(options: ClipperOptions = {}): Required<Clipper> {
  const resolved = validateClipperOptions(options);
  const base = buildGradientClipper(options);
  const fusable = (resolved.clipType === 'full_model' || resolved.clipType === 'none') && resolved.nonFinite !== 'error';
  const useFused = (): boolean =>
    fusable && (tf.getKernel(GRAD_NORMS_KERNEL, tf.getBackend()) as tf.KernelConfig | undefined) !== undefined;
  const analyse = (grads: tf.NamedTensorMap): ClipOutcome =>
    useFused() ? fusedOutcome(grads, resolved.clipType === 'full_model', resolved.clipValue, resolved.normType) : base.analyse(grads);
  return clipperFromAnalyse(analyse);
}

function fusedOutcome(grads: tf.NamedTensorMap, clip: boolean, clipValue: number, p: number): ClipOutcome {
  const norm = fusedGradNorms(Object.values(grads), p) as tf.Scalar;
  const finite = tf.cast<tf.Scalar>(tf.isFinite(norm), 'float32');
  if (!clip) {
    return { grads, gradScale: null, stats: { norm, finite, clipped: tf.scalar(0) } };
  }
  const shifted: tf.Scalar = tf.add(norm, NORM_EPS);
  const coef: tf.Scalar = tf.div(clipValue, shifted);
  const clipped = tf.cast(tf.less(coef, 1), 'float32') as tf.Scalar;
  const gradScale = tf.minimum<tf.Scalar>(coef, 1);
  return { grads, gradScale, stats: { norm, finite, clipped } };
}
