import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { SolverError } from '../errors.js';
import { ADAM_GROUP_KERNEL, assignOutputs, checkGroup, controlInputs, groupInputs, type KernelMemory, sizeOf } from './kernels/shared.js';
import {
  F32,
  f32x4Add,
  f32x4Div,
  f32x4Mul,
  f32x4Sqrt,
  f32x4Sub,
  I32,
  load,
  localGet,
  localSet,
  runStaged,
  type SimdStaging,
  store,
  V128,
  vectorLoop,
  type WasmFunction,
} from './kernels/wasm.js';
import { type AdamGroupUpdate, type AdamHyperparams, appliedSelector } from './rule.js';
import { splat } from './sgd.js';

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

/**
 * The numbers one Adam/AdamW kernel call needs, with PyTorch's bias corrections folded in:
 * `stepSize = lr / (1 − β1^t)`, `invSqrtBc2 = 1 / √(1 − β2^t)`, `decayMul = 1 − lr·λ` (AdamW, else 1),
 * `coupledWd = λ` (Adam, else 0), `scale` the clip coefficient.
 */
export interface AdamConstants {
  readonly stepSize: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly invSqrtBc2: number;
  readonly decayMul: number;
  readonly coupledWd: number;
  readonly scale: number;
}

/** Where one tensor's Adam update reads and writes (outputs may alias the inputs). */
export interface AdamArrays {
  readonly p: Float32Array;
  readonly g: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly pOut: Float32Array;
  readonly mOut: Float32Array;
  readonly vOut: Float32Array;
}

/**
 * PyTorch's Adam/AdamW over elements `[from, to)` of one tensor, in plain JavaScript:
 * `d = scale·g + coupledWd·p; m ← β1m + (1−β1)d; v ← β2v + (1−β2)d²;
 *  p ← decayMul·p − stepSize·m / (√v·invSqrtBc2 + eps)` (see {@link AdamConstants}).
 */
export function adamLoop(a: AdamArrays, k: AdamConstants, from: number, to: number): void {
  const { p, g, m, v, pOut, mOut, vOut } = a;
  const { stepSize, beta1, beta2, eps, invSqrtBc2, decayMul, coupledWd, scale } = k;
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  for (let i = from; i < to; i++) {
    const pi = p[i] as number;
    const d = (g[i] as number) * scale + coupledWd * pi;
    const mi = beta1 * (m[i] as number) + c1 * d;
    const vi = beta2 * (v[i] as number) + c2 * d * d;
    mOut[i] = mi;
    vOut[i] = vi;
    pOut[i] = decayMul * pi - (stepSize * mi) / (Math.sqrt(vi) * invSqrtBc2 + eps);
  }
}

/**
 * `adam(pIn, pOut, g, mIn, mOut, vIn, vOut, nBytes, stepSize, b1, c1, b2, c2, eps, invSqrtBc2, decayMul,
 * coupledWd, scale)`, PyTorch's Adam/AdamW with the bias corrections folded into two constants:
 * `d = scale·g + coupledWd·p; m ← b1·m + c1·d; v ← b2·v + c2·d²;
 *  p ← decayMul·p − stepSize·m / (√v·invSqrtBc2 + eps)`,
 * with `c1 = 1 − b1`, `c2 = 1 − b2`, `stepSize = lr / (1 − b1^t)`, `invSqrtBc2 = 1/√(1 − b2^t)`,
 * `decayMul = 1 − lr·λ` for AdamW (1 for Adam) and `coupledWd = λ` for Adam (0 for AdamW).
 */
export function adamFunction(): WasmFunction {
  const splats = Array.from({ length: CONST_COUNT }, (_, k) => splat(FIRST_CONST + k, constLocal(k))).flat();
  return {
    exportName: 'adam',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, ...Array<number>(CONST_COUNT).fill(F32)],
    results: [],
    locals: [I32, ...Array<number>(CONST_COUNT + 4).fill(V128)],
    body: [...splats, ...vectorLoop(COUNTER, 7, adamBody())],
  };
}

/** Parameters 0-7 are pointers and the byte count; 8-17 the float constants. */
const FIRST_CONST = 8;
const CONST_COUNT = 10;
/** Local 18 is the byte counter; 19-28 hold the splatted constants, 29-32 p, d, m, v. */
const COUNTER = FIRST_CONST + CONST_COUNT;
const constLocal = (k: number): number => COUNTER + 1 + k;

/** One vector of the update (see {@link adamFunction}). */
function adamBody(): number[] {
  const [pIn, pOut, g, mIn, mOut, vIn, vOut] = [0, 1, 2, 3, 4, 5, 6];
  const counter = COUNTER;
  const c = constLocal;
  const stepSize = c(0);
  const b1 = c(1);
  const c1 = c(2);
  const b2 = c(3);
  const c2 = c(4);
  const eps = c(5);
  const invSqrtBc2 = c(6);
  const decayMul = c(7);
  const coupledWd = c(8);
  const scale = c(9);
  const p = c(10);
  const d = c(11);
  const m = c(12);
  const v = c(13);
  const mul = (a: number, b: number): number[] => [...localGet(a), ...localGet(b), ...f32x4Mul];
  return [
    ...load(pIn, counter),
    ...localSet(p),
    ...load(g, counter),
    ...localGet(scale),
    ...f32x4Mul,
    ...mul(coupledWd, p),
    ...f32x4Add,
    ...localSet(d),
    ...store(mOut, counter, [...localGet(b1), ...load(mIn, counter), ...f32x4Mul, ...mul(c1, d), ...f32x4Add], m),
    ...store(
      vOut,
      counter,
      [...localGet(b2), ...load(vIn, counter), ...f32x4Mul, ...mul(c2, d), ...localGet(d), ...f32x4Mul, ...f32x4Add],
      v,
    ),
    ...store(pOut, counter, [
      ...mul(decayMul, p),
      ...mul(stepSize, m),
      ...localGet(v),
      ...f32x4Sqrt,
      ...localGet(invSqrtBc2),
      ...f32x4Mul,
      ...localGet(eps),
      ...f32x4Add,
      ...f32x4Div,
      ...f32x4Sub,
    ]),
  ];
}

/** Attributes of the fused Adam group kernel (the group's {@link AdamHyperparams} plus the count). */
export interface AdamGroupAttrs extends AdamHyperparams {
  readonly count: number;
}

/**
 * The fused Adam/AdamW kernel: inputs `p_i, g_i, m_i, v_i`, the scalar `step`, optional scalars
 * `gradScale` and `apply`; outputs new params, new m, new v, then the new step (`step + 1`).
 * The step is read from memory, so the bias corrections are computed once per group in float64.
 * `apply` = 0 returns every input unchanged, the step included.
 *
 * @param memoryOf how this backend's tensors are read and written.
 */
export function adamGroupKernel(memoryOf: (backend: unknown) => KernelMemory): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as AdamGroupAttrs & NamedAttrMap;
    const mem = memoryOf(backend);
    const ps = groupInputs(inputs, 'p', a.count);
    const gs = groupInputs(inputs, 'g', a.count);
    const ms = groupInputs(inputs, 'm', a.count);
    const vs = groupInputs(inputs, 'v', a.count);
    const stepInfo = groupInputs(inputs, 'step', 1)[0] as TensorInfo;
    checkGroup(ps, { g: gs, m: ms, v: vs });
    const apply = inputs.apply === undefined ? 1 : mem.scalar(inputs.apply);
    const scale = inputs.gradScale === undefined ? 1 : mem.scalar(inputs.gradScale);
    if (apply === 0) {
      return [...ps, ...ms, ...vs, stepInfo].map((t) => mem.alias(t));
    }
    const t = mem.scalar(stepInfo) + 1;
    const k = adamConstants(a, t, scale);
    const outs = [ps, ms, vs].map((list) => list.map((x) => mem.updated(x)));
    const [pOuts, mOuts, vOuts] = outs as [TensorInfo[], TensorInfo[], TensorInfo[]];
    ps.forEach((p, i) => {
      const slot = [p, gs[i], ms[i], vs[i], pOuts[i], mOuts[i], vOuts[i]];
      if (slot.every((x) => x !== undefined)) {
        runOne(mem, k, slot);
      }
    });
    const stepOut = stepInfo.dtype === 'int32' ? Int32Array.of(t) : Float32Array.of(t);
    return [...pOuts, ...mOuts, ...vOuts, mem.create([], stepInfo.dtype === 'int32' ? 'int32' : 'float32', stepOut)];
  };
}

/** PyTorch's per-step constants for step number `t` (1-based). */
function adamConstants(a: AdamGroupAttrs, t: number, scale: number): AdamConstants {
  return {
    stepSize: a.lr / (1 - Math.pow(a.beta1, t)),
    invSqrtBc2: 1 / Math.sqrt(1 - Math.pow(a.beta2, t)),
    beta1: a.beta1,
    beta2: a.beta2,
    eps: a.eps,
    decayMul: a.decoupled ? 1 - a.lr * a.weightDecay : 1,
    coupledWd: a.decoupled ? 0 : a.weightDecay,
    scale,
  };
}

function runOne(mem: KernelMemory, k: AdamConstants, slot: TensorInfo[]): void {
  const [p, g, m, v, pOut, mOut, vOut] = slot as [TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo];
  const n = sizeOf(p);
  if (mem.staging !== null) {
    const view = mem.view;
    runStagedAdam(
      mem.staging,
      k,
      { p: view(p), g: view(g), m: view(m), v: view(v), pOut: view(pOut), mOut: view(mOut), vOut: view(vOut) },
      n,
    );
    return;
  }
  const simd = mem.simd;
  const whole = simd === null ? 0 : n - (n % 4);
  if (simd !== null && whole > 0) {
    const at = mem.offset;
    simd.adam(
      at(p),
      at(pOut),
      at(g),
      at(m),
      at(mOut),
      at(v),
      at(vOut),
      whole * 4,
      k.stepSize,
      k.beta1,
      1 - k.beta1,
      k.beta2,
      1 - k.beta2,
      k.eps,
      k.invSqrtBc2,
      k.decayMul,
      k.coupledWd,
      k.scale,
    );
  }
  if (whole < n) {
    const view = mem.view;
    adamLoop({ p: view(p), g: view(g), m: view(m), v: view(v), pOut: view(pOut), mOut: view(mOut), vOut: view(vOut) }, k, whole, n);
  }
}

/** Adam through the staging area: slots 0 = p, 1 = g, 2 = m, 3 = v (updated in place, copied back). */
function runStagedAdam(st: SimdStaging, k: AdamConstants, a: AdamArrays, n: number): void {
  const slot = (s: number): number => s * st.chunk * 4;
  const outputs: [number, Float32Array][] = [
    [0, a.pOut],
    [2, a.mOut],
    [3, a.vOut],
  ];
  runStaged(
    st,
    [a.p, a.g, a.m, a.v],
    outputs,
    n,
    (nBytes) => {
      st.simd.adam(
        slot(0),
        slot(0),
        slot(1),
        slot(2),
        slot(2),
        slot(3),
        slot(3),
        nBytes,
        k.stepSize,
        k.beta1,
        1 - k.beta1,
        k.beta2,
        1 - k.beta2,
        k.eps,
        k.invSqrtBc2,
        k.decayMul,
        k.coupledWd,
        k.scale,
      );
    },
    (from, to) => {
      adamLoop(a, k, from, to);
    },
  );
}

/**
 * One Adam/AdamW step for one group with the fused kernel: one pass over param, gradient, m and v
 * per tensor; the step counter, clip scale and skip flag are read inside the kernel, and the step
 * advances only when the update applies. Same numbers as `adamGroupUpdateOps` within float32 rounding.
 *
 * Why: the plain-ops Adam is ~15 tfjs ops per tensor, each a pass over memory on cpu and wasm.
 * Requires {@link registerFusedKernels} and the `cpu` or `wasm` backend.
 *
 * @throws SolverError('argument') when grads, m or v do not match params.
 * @throws SolverError('backend') when the kernel is not registered for the active backend.
 * @example
 * ```ts
 * import { registerFusedKernels } from './kernels/registry.js';
 * registerFusedKernels();
 * fusedAdamGroupUpdate({ params: [w], grads: [g], m: [m], v: [v], step },
 *   { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true },
 *   { gradScale: null, apply: null });
 * ```
 */
export const fusedAdamGroupUpdate: AdamGroupUpdate = (group, hyper, control) => {
  const count = group.params.length;
  if (group.grads.length !== count || group.m.length !== count || group.v.length !== count) {
    throw new SolverError(
      'argument',
      `fusedAdamGroupUpdate: got ${count} params, ${group.grads.length} grads, ${group.m.length} m, ${group.v.length} v; expected the same count`,
    );
  }
  if (count === 0) {
    return;
  }
  const inputs: tf.NamedTensorMap = controlInputs(control);
  group.params.forEach((p, i) => {
    inputs[`p${i}`] = p;
    inputs[`g${i}`] = group.grads[i] as tf.Tensor;
    inputs[`m${i}`] = group.m[i] as tf.Variable;
    inputs[`v${i}`] = group.v[i] as tf.Variable;
  });
  inputs.step0 = group.step;
  const attrs = { count, ...hyper };
  assignOutputs(ADAM_GROUP_KERNEL, inputs, attrs, [...group.params, ...group.m, ...group.v, group.step]);
};
