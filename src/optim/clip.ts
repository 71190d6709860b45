import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../errors.js';
import { fusedGradNorms, gpuStepControl } from './kernels/gradNorms.js';
import { fusedKernelsReady } from './kernels/registry.js';
import type { StepControl } from './rule.js';

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
 * What a clipper returns: the gradients to apply, an optional scale every gradient is multiplied
 * by (so a global coefficient reaches a fused update without materialising clipped copies; null
 * means 1), and the step's statistics, measured on the gradients it was given. All tensors are
 * new except `grads` entries that are unchanged inputs.
 */
export interface ClipOutcome {
  readonly grads: tf.NamedTensorMap;
  readonly gradScale: tf.Scalar | null;
  readonly stats: GradientStats;
}

/**
 * Gradients in, gradients and their statistics out: clipping as one link between backward and
 * the update (DESIGN).
 *
 * Why one method that also measures: the optimizer skips a step whose gradients are not finite
 * and reports the norm and whether clipping acted, from `stats`, for every clipper alike. `clip`
 * runs inside the optimizer's `tf.tidy`, must not wait on the device, and returns new tensors
 * (except gradients it returns unchanged). A custom clipper can take its statistics from a
 * built-in one (`buildGradientClipper({ clipType: 'none' })` measures without clipping).
 * @example
 * ```ts
 * // Halves every gradient (a global scale, as full_model's coefficient); the norm and the
 * // finite flag come from a built-in clipper that measures without clipping.
 * const measure = buildGradientClipper({ clipType: 'none' });
 * const halve: Clipper = {
 *   clip: (grads) => {
 *     const { stats } = measure.clip(grads);
 *     return { grads, gradScale: tf.scalar(0.5), stats: { ...stats, clipped: tf.scalar(1) } };
 *   },
 * };
 * container.rebind(TOKENS.Clipper).toConstantValue(halve);
 * ```
 */
export interface Clipper {
  /** Returns the gradients to apply (keyed as the input), an optional global scale, and the step's statistics. */
  clip(grads: tf.NamedTensorMap): ClipOutcome;
}

/** How gradients are clipped; `none` (ext) only guards against non-finite gradients. */
export type ClipType = 'value' | 'norm' | 'full_model' | 'none';

/**
 * What to do when the gradients' norm is NaN or infinite: `skip` the update (weights and slots
 * untouched, decided on the device), throw an `error` naming the parameter (one device sync per
 * step), or `none` (apply as is).
 */
export type NonFinitePolicy = 'skip' | 'error' | 'none';

/**
 * Options of buildGradientClipper, detectron2's `CLIP_GRADIENTS` keys in camelCase.
 *
 * Why: the same four knobs as the YAML keys, for code that builds a clipper without a config.
 * @example
 * ```ts
 * const clipper = buildGradientClipper({ clipType: 'full_model', clipValue: 1, normType: 2, nonFinite: 'skip' });
 * ```
 */
export interface ClipperOptions {
  /** Default `value`. */
  readonly clipType?: ClipType;
  /** The clamp bound (`value`) or the maximum norm (`norm`, `full_model`); > 0. Default 1. */
  readonly clipValue?: number;
  /** p of the p-norm: any p >= 1, or `Infinity`. Default 2. */
  readonly normType?: number;
  /** Default `skip`. */
  readonly nonFinite?: NonFinitePolicy;
}

/**
 * The p-norm of all elements of `x`: `(Σ|x|^p)^(1/p)`, or `max|x|` for `p = Infinity`.
 *
 * Why not `tf.norm`: it supports only p ∈ {1, 2, ∞} and detectron2's NORM_TYPE
 * may be any p >= 1. A zero tensor gives 0 (no NaN). Call inside `tf.tidy`.
 *
 * @param x any tensor.
 * @param p p >= 1 or Infinity (validated by the caller).
 * @returns a new scalar.
 */
export function pNorm(x: tf.Tensor, p: number): tf.Scalar {
  const a = tf.abs(x);
  if (p === Infinity) return a.size === 0 ? tf.scalar(0) : tf.max(a);
  if (p === 1) return tf.sum(a);
  if (p === 2) return tf.sqrt(tf.sum<tf.Scalar>(tf.square(a)));
  return tf.pow<tf.Scalar>(tf.sum(tf.pow(a, p)), 1 / p);
}

/** Clipper options with every default filled in. */
export type ResolvedClipperOptions = Required<ClipperOptions>;

const CLIP_TYPES: readonly ClipType[] = ['value', 'norm', 'full_model', 'none'];
const POLICIES: readonly NonFinitePolicy[] = ['skip', 'error', 'none'];

/**
 * Fills in the defaults of {@link ClipperOptions} and checks every value.
 *
 * @param options the caller's options.
 * @returns the options with defaults (`value`, 1, 2, `skip`).
 * @throws SolverError('argument') naming the key, echoing the value and stating the rule.
 */
export function validateClipperOptions(options: ClipperOptions): ResolvedClipperOptions {
  const clipType = options.clipType ?? 'value';
  const clipValue = options.clipValue ?? 1;
  const normType = options.normType ?? 2;
  const nonFinite = options.nonFinite ?? 'skip';
  if (!CLIP_TYPES.includes(clipType)) {
    throw new SolverError('argument', `clipType: got '${clipType as string}', expected one of ${CLIP_TYPES.join(', ')}`);
  }
  if (!(Number.isFinite(clipValue) && clipValue > 0)) {
    throw new SolverError('argument', `clipValue: got ${clipValue}, expected a finite number > 0`);
  }
  if (!(normType >= 1)) {
    throw new SolverError('argument', `normType: got ${normType}, expected a number >= 1 or Infinity`);
  }
  if (!POLICIES.includes(nonFinite)) {
    throw new SolverError('argument', `nonFinite: got '${nonFinite as string}', expected one of ${POLICIES.join(', ')}`);
  }
  return { clipType, clipValue, normType, nonFinite };
}

/** The epsilon in `c = v / (n + 1e-6)`. */
const NORM_EPS = 1e-6;

/**
 * Builds the gradient clipper detectron2's `CLIP_GRADIENTS` describes.
 *
 * Why: tfjs has no norm clipping. `value` clamps every element to [−v, v]; `norm`
 * scales each parameter's gradient by `min(v / (‖g‖_p + 1e-6), 1)`; `full_model` (ext) does the
 * same with one norm over all gradients (the p-norm of the per-parameter norms) and hands the
 * coefficient to the update as a scale instead of copying the gradients; `none` (ext) clips
 * nothing but still measures. No method waits on the device. A zero gradient stays zero (no NaN).
 * The non-finite policy is carried out by the optimizer from `stats.finite` (`skip` and `error`
 * skip the step on the device; `error` then raises the error after the step).
 *
 * On the cpu and wasm backends the global norm of `full_model` and `none` is measured by one fused
 * kernel pass per gradient (decided at each call, so a backend switch is followed); elsewhere, and
 * with `fused` false, by plain ops. Both agree within float32 rounding. On webgl and webgpu the
 * optimizer recognises this clipper and measures, clips and guards in one fused kernel.
 *
 * @param options clipType (`value`), clipValue (1), normType (2; any p >= 1 or Infinity),
 *   nonFinite (`skip`).
 * @param settings `fused`: use the fused norm kernel where the backend has it. Default true.
 * @returns a {@link Clipper}; `full_model` returns the gradients unchanged with the coefficient as `gradScale`.
 * @throws SolverError('argument') for a bad option.
 * @example
 * ```ts
 * const clipper = buildGradientClipper({ clipType: 'norm', clipValue: 1 });
 * const out = tf.tidy(() => clipper.clip({ w: tf.tensor1d([3, 4]) }).grads); // w ≈ [0.6, 0.8]
 * ```
 */
export function buildGradientClipper(options: ClipperOptions = {}, settings: { readonly fused?: boolean } = {}): Clipper {
  const resolved = validateClipperOptions(options);
  const fusable = (settings.fused ?? true) && (resolved.clipType === 'full_model' || resolved.clipType === 'none');
  const clipper: Clipper = {
    clip: (grads) => (fusable && fusedKernelsReady(tf.getBackend()) ? fusedOutcome(grads, resolved) : analyseGradients(grads, resolved)),
  };
  if (fusable) Object.defineProperty(clipper, GLOBAL_CLIP, { value: resolved });
  return clipper;
}

const GLOBAL_CLIP = Symbol('tfjs-solver.globalClip');

/**
 * The norm's p and the clip bound (0: no clipping) of a clipper buildGradientClipper made for
 * `full_model` or `none` with fused kernels allowed, else null: what lets the optimizer measure,
 * clip and guard in one fused GPU kernel instead of calling `clip`.
 */
export function globalClipOf(clipper: Clipper): { normType: number; clipValue: number } | null {
  const resolved = (clipper as unknown as Record<symbol, ResolvedClipperOptions | undefined>)[GLOBAL_CLIP];
  if (resolved === undefined) return null;
  return { normType: resolved.normType, clipValue: resolved.clipType === 'full_model' ? resolved.clipValue : 0 };
}

/** `full_model` and `none` with the global norm from the fused kernel (one read per gradient). */
function fusedOutcome(grads: tf.NamedTensorMap, opts: ResolvedClipperOptions): ClipOutcome {
  const norm = fusedGradNorms(Object.values(grads), opts.normType) as tf.Scalar;
  return globalOutcome(grads, norm, opts);
}

/** The outcome of `full_model` (`gradScale = min(v / (‖g‖ + 1e-6), 1)`) or `none` from the global norm. */
function globalOutcome(grads: tf.NamedTensorMap, norm: tf.Scalar, opts: ResolvedClipperOptions): ClipOutcome {
  const finite = tf.cast<tf.Scalar>(tf.isFinite(norm), 'float32');
  if (opts.clipType !== 'full_model') return { grads, gradScale: null, stats: { norm, finite, clipped: tf.scalar(0) } };
  const coef: tf.Scalar = tf.div(opts.clipValue, tf.add(norm, NORM_EPS));
  const clipped = tf.cast(tf.less(coef, 1), 'float32') as tf.Scalar;
  return { grads, gradScale: tf.minimum<tf.Scalar>(coef, 1), stats: { norm, finite, clipped } };
}

function analyseGradients(grads: tf.NamedTensorMap, opts: ResolvedClipperOptions): ClipOutcome {
  const names = Object.keys(grads);
  const tensors = names.map((n) => grads[n] as tf.Tensor);
  const norms = tensors.map((g) => pNorm(g, opts.normType));
  const norm = norms.length === 0 ? tf.scalar(0) : pNorm(tf.stack(norms), opts.normType);
  const finite = tf.cast<tf.Scalar>(tf.isFinite(norm), 'float32');
  const v = opts.clipValue;
  const zero = tf.scalar(0);
  switch (opts.clipType) {
    case 'none':
      return globalOutcome(grads, norm, opts);
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
    case 'full_model':
      return globalOutcome(grads, norm, opts);
  }
}

function mapGrads(names: readonly string[], tensors: readonly tf.Tensor[], fn: (g: tf.Tensor, i: number) => tf.Tensor): tf.NamedTensorMap {
  return Object.fromEntries(names.map((n, i) => [n, fn(tensors[i] as tf.Tensor, i)]));
}

/**
 * A rule's request that the GPU step-control kernel also compute Adam's bias corrections for step
 * `t` (every parameter of the step at that number): `1/(1 − β1^t')` and `1/√(1 − β2^t')` with
 * `t' = t −` the skipped steps the host has not seen (the host's float64 values when none).
 */
export interface BiasRequest {
  readonly beta1: number;
  readonly beta2: number;
  readonly t: number;
}

/** The GPU control as the fused updates read it: `biasStep` > 0 when the control tensor holds the bias corrections for that step. */
export interface GpuStepControl extends StepControl {
  readonly biasStep?: number;
}

/**
 * The bias request for a step of a rule with betas (Adam's), when every parameter steps at the
 * same number; undefined otherwise.
 */
export function biasRequest(hyper: object, steps: readonly number[]): BiasRequest | undefined {
  const { beta1, beta2 } = hyper as { beta1?: unknown; beta2?: unknown };
  const t = steps[0];
  if (typeof beta1 !== 'number' || typeof beta2 !== 'number' || t === undefined || steps.some((x) => x !== t)) return undefined;
  return { beta1, beta2, t };
}

/** The step-control kernel's `bias` attribute: β1, β2, t, the known skipped total, and the host's float64 corrections. */
function biasAttrs(b: BiasRequest, known: number): number[] {
  return [b.beta1, b.beta2, b.t, known, 1 / (1 - Math.pow(b.beta1, b.t)), 1 / Math.sqrt(1 - Math.pow(b.beta2, b.t))];
}

/**
 * What clipping gives one optimizer step: the gradients to apply, the update's control (scale,
 * apply flag; on GPUs one control tensor and the skipped total), the skipped-steps total after
 * the step (null: unchanged, or kept in the control tensor), and the statistics: scalars, or the
 * GPU control tensor `[scale, apply, norm, clipped]` (`folded`: element 4 is the skipped total).
 */
export interface StepClip {
  readonly grads: tf.NamedTensorMap;
  readonly control: StepControl;
  readonly newTotal: tf.Scalar | null;
  readonly stats:
    | { readonly gradNorm: tf.Scalar; readonly clipped: tf.Scalar; readonly skipped: tf.Scalar }
    | { readonly summary: tf.Tensor; readonly folded: boolean };
}

/**
 * Clips for one optimizer step. With `gpu` (a GPU backend running fused updates) and a clipper of
 * {@link globalClipOf}, one kernel measures the norm, the scale, the apply flag and the new skipped
 * total; otherwise the clipper's `clip` and plain ops. Call inside `tf.tidy`.
 *
 * @param s `guard`: the non-finite policy skips; `countsSteps`: the rule needs the skipped total
 *   (with `known`, the total the host's counts reflect); `inSummary`: the last control tensor when
 *   it holds the current total (element 4); `total`: the skipped-steps counter.
 */
export function clipForStep(
  clipper: Clipper,
  grads: tf.NamedTensorMap,
  s: { readonly guard: boolean; readonly gpu: boolean; readonly countsSteps: boolean; readonly known: number; readonly bias?: BiasRequest },
  inSummary: tf.Tensor | null,
  total: () => tf.Scalar,
): StepClip {
  const global = s.gpu ? globalClipOf(clipper) : null;
  if (global !== null) {
    const old = inSummary !== null ? { tensor: inSummary, at: 4 } : { tensor: total(), at: 0 };
    const b = s.guard && s.countsSteps ? s.bias : undefined;
    const bias = b === undefined ? {} : { bias: biasAttrs(b, s.known) };
    const made = gpuStepControl(Object.values(grads), { p: global.normType, clipValue: global.clipValue, guard: s.guard, ...bias }, old);
    const newTotal = made.folded ? { total: made.control as tf.Tensor, at: 4 } : made.total === null ? null : { total: made.total, at: 0 };
    const skipped = s.countsSteps && newTotal !== null ? { ...newTotal, known: s.known } : null;
    const summary = global.clipValue > 0 || s.guard ? made.control : null;
    // The control tensor holds the bias corrections only where it also holds the skipped total.
    const withBias: GpuStepControl = { gradScale: null, apply: null, summary, skipped, biasStep: b !== undefined && made.folded ? b.t : 0 };
    return {
      grads,
      control: withBias,
      newTotal: made.total,
      stats: { summary: made.control, folded: made.folded },
    };
  }
  const out = clipper.clip(grads);
  const apply = s.guard ? out.stats.finite : null;
  const skipped = apply === null ? tf.scalar(0) : tf.sub<tf.Scalar>(1, apply);
  const newTotal = tf.add<tf.Scalar>(total(), skipped);
  const counted = s.countsSteps && s.gpu ? { total: newTotal, at: 0, known: s.known } : null;
  const stats = { gradNorm: out.stats.norm, clipped: out.stats.clipped, skipped };
  // The GPU programs read the scale and the flag from one tensor.
  const control =
    s.gpu && (out.gradScale !== null || apply !== null)
      ? { gradScale: null, apply: null, summary: tf.stack([out.gradScale ?? tf.scalar(1), apply ?? tf.scalar(1)]), skipped: counted }
      : { gradScale: out.gradScale, apply, skipped: counted };
  return { grads: out.grads, control, newTotal, stats };
}
