import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { SolverError } from '../errors.js';
import {
  ADAM_GROUP_KERNEL,
  assignOutputs,
  controlInputs,
  type KernelMemory,
  namedGroups,
  readGroup,
  sizeOf,
  stepScalars,
} from './kernels/shared.js';
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
  simdExport,
  type SimdStaging,
  splatLocal,
  store,
  V128,
  vectorLoop,
  type WasmFunction,
  wasmFunction,
} from './kernels/wasm.js';
import type { GpuStepControl } from './clip.js';
import { appliedSelector, type RuleOptions, type StepControl, type UpdateRule } from './rule.js';

/** Adam's own hyperparameters: β1, β2, ε, and whether decay is decoupled (AdamW) or added to g (Adam). */
export interface AdamOptions {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly decoupled: boolean;
}

/**
 * Adam/AdamW hyperparameters of one group, PyTorch's definition. `decoupled` true is AdamW
 * (`p ← p·(1 − lr·λ)`), false is Adam (`g ← g + λp`).
 */
export interface AdamHyperparams extends AdamOptions {
  readonly lr: number;
  readonly weightDecay: number;
}

/**
 * One group's tensors for Adam/AdamW. Steps are counted per parameter, as PyTorch does: a
 * parameter without a gradient on a step does not advance its own count. `hostSteps[i]` is the
 * host's number for this step of `params[i]` (1-based), from which the bias corrections are
 * computed in float64. `steps[i]` is the scalar variable counting on the device; the plain-ops
 * update adds `apply` to it and uses it only when `control.stepsExact` says the host's count may
 * be off. The fused update does not touch it: on cpu and wasm the optimizer knows at once whether
 * a step applied, so the host's count is always exact there.
 */
export interface AdamGroupTensors {
  readonly params: readonly tf.Variable[];
  readonly grads: readonly tf.Tensor[];
  readonly m: readonly tf.Variable[];
  readonly v: readonly tf.Variable[];
  readonly steps: readonly tf.Variable[];
  readonly hostSteps: readonly number[];
}

/** Applies one Adam/AdamW step to one group in place (see {@link StepControl} for the contract). */
export type AdamGroupUpdate = (group: AdamGroupTensors, hyper: AdamHyperparams, control: StepControl) => void;

/**
 * PyTorch's bias corrections for step `t` (1-based), in float64 on the host:
 * `stepSize = lr / (1 − β1^t)` and `bc2Sqrt = √(1 − β2^t)`.
 *
 * Why on the host: `1 − β2^t` with β2 = 0.999 loses about 5e-5 of relative precision when a GPU
 * backend computes the power in float32; the host's float64 value is exact to float32 rounding.
 */
export function adamBiasCorrections(
  hyper: Pick<AdamHyperparams, 'lr' | 'beta1' | 'beta2'>,
  t: number,
): { stepSize: number; bc2Sqrt: number } {
  return { stepSize: hyper.lr / (1 - Math.pow(hyper.beta1, t)), bc2Sqrt: Math.sqrt(1 - Math.pow(hyper.beta2, t)) };
}

/**
 * One Adam/AdamW step for one group with plain tfjs ops, PyTorch's formulas per parameter:
 * `t ← t + apply`; `g ← s·g` (`+ λp` for Adam); AdamW first decays `p ← p(1 − lr·λ)`;
 * `m ← β1·m + (1−β1)g`; `v ← β2·v + (1−β2)g²`; `p ← p − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)`.
 *
 * Why plain ops: it runs on every backend and is the reference the fused kernels must match.
 * The bias corrections come from the host's step count in float64 (exact); only when
 * `control.stepsExact` says the host count may be off (an unread skipped step) does the device
 * use its own count, selected on the device. Follows the {@link AdamGroupUpdate} contract.
 *
 * @example
 * ```ts
 * adamGroupUpdateOps({ params: [w], grads: [g], m: [m], v: [v], steps: [step], hostSteps: [1] },
 *   { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true },
 *   { gradScale: null, apply: null });
 * ```
 */
export const adamGroupUpdateOps: AdamGroupUpdate = (group, hyper, control) => {
  tf.tidy(() => {
    const [b1, b2] = [tf.scalar(hyper.beta1), tf.scalar(hyper.beta2)];
    // 1 − β in float64 on the host, as PyTorch computes it (not 1 − float32(β) on the device).
    const [c1, c2] = [tf.scalar(1 - hyper.beta1), tf.scalar(1 - hyper.beta2)];
    const lambda = tf.scalar(hyper.weightDecay);
    const exact = control.stepsExact ?? null;
    group.params.forEach((p, i) => {
      const raw = group.grads[i] as tf.Tensor;
      const [mVar, vVar, stepVar] = [group.m[i], group.v[i], group.steps[i]] as [tf.Variable, tf.Variable, tf.Variable];
      const host = adamBiasCorrections(hyper, group.hostSteps[i] ?? 1);
      let stepSize: tf.Tensor = tf.scalar(host.stepSize);
      let bc2Sqrt: tf.Tensor = tf.scalar(host.bc2Sqrt);
      if (exact !== null) {
        const t = tf.add(stepVar, 1);
        stepSize = tf.where(exact, stepSize, tf.div(hyper.lr, tf.sub(1, tf.pow(b1, t))));
        bc2Sqrt = tf.where(exact, bc2Sqrt, tf.sqrt(tf.sub(1, tf.pow(b2, t))));
      }
      const select = appliedSelector(control.apply, p);
      let g = control.gradScale === null ? raw : tf.mul(raw, control.gradScale);
      let base: tf.Tensor = p;
      if (hyper.weightDecay !== 0 && hyper.decoupled) base = tf.mul(p, 1 - hyper.lr * hyper.weightDecay);
      if (hyper.weightDecay !== 0 && !hyper.decoupled) g = tf.add(g, tf.mul(lambda, p));
      const m = tf.add(tf.mul(b1, mVar), tf.mul(c1, g));
      const v = tf.add(tf.mul(b2, vVar), tf.mul(c2, tf.square(g)));
      const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), hyper.eps);
      const next = tf.sub(base, tf.mul(stepSize, tf.div(m, denom)));
      mVar.assign(select(m, mVar));
      vVar.assign(select(v, vVar));
      p.assign(select(next, p));
      stepVar.assign(tf.add(stepVar, control.apply ?? 1));
    });
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
 * coupledWd, scale)`: {@link adamLoop} in wasm SIMD, with `c1 = 1 − b1`, `c2 = 1 − b2`.
 */
export function adamFunction(): WasmFunction {
  const pointers = { pIn: I32, pOut: I32, g: I32, mIn: I32, mOut: I32, vIn: I32, vOut: I32, nBytes: I32 };
  const names = ['stepSize', 'b1', 'c1', 'b2', 'c2', 'eps', 'invSqrtBc2', 'decayMul', 'coupledWd', 'scale'] as const;
  type Name = (typeof names)[number];
  const floats = Object.fromEntries(names.map((n) => [`${n}In`, F32])) as Record<`${Name}In`, number>;
  const constants = Object.fromEntries(names.map((n) => [n, V128])) as Record<Name, number>;
  const locals = { counter: I32, ...constants, p: V128, d: V128, m: V128, v: V128 };
  return wasmFunction('adam', { ...pointers, ...floats }, locals, [], (at) => {
    const splats = names.flatMap((c) => splatLocal(at[`${c}In`], at[c]));
    const mul = (a: number, b: number): number[] => [...localGet(a), ...localGet(b), ...f32x4Mul];
    const counter = at.counter;
    const body = [
      ...load(at.pIn, counter),
      ...localSet(at.p),
      ...load(at.g, counter),
      ...localGet(at.scale),
      ...f32x4Mul,
      ...mul(at.coupledWd, at.p),
      ...f32x4Add,
      ...localSet(at.d),
      ...store(at.mOut, counter, [...localGet(at.b1), ...load(at.mIn, counter), ...f32x4Mul, ...mul(at.c1, at.d), ...f32x4Add], at.m),
      ...store(
        at.vOut,
        counter,
        [...localGet(at.b2), ...load(at.vIn, counter), ...f32x4Mul, ...mul(at.c2, at.d), ...localGet(at.d), ...f32x4Mul, ...f32x4Add],
        at.v,
      ),
      ...store(at.pOut, counter, [
        ...mul(at.decayMul, at.p),
        ...mul(at.stepSize, at.m),
        ...localGet(at.v),
        ...f32x4Sqrt,
        ...localGet(at.invSqrtBc2),
        ...f32x4Mul,
        ...localGet(at.eps),
        ...f32x4Add,
        ...f32x4Div,
        ...f32x4Sub,
      ]),
    ];
    return [...splats, ...vectorLoop(counter, at.nBytes, body)];
  });
}

/** Attributes of the fused Adam group kernel: the group's {@link AdamHyperparams}, the count, each parameter's step number. */
export interface AdamGroupAttrs extends AdamHyperparams {
  readonly count: number;
  readonly steps: readonly number[];
}

/**
 * The fused Adam/AdamW kernel: inputs `p_i, g_i, m_i, v_i`, optional scalars `gradScale` and
 * `apply`; attribute `steps[i]`, parameter i's step number if this step applies; outputs new
 * params, m, v. The bias corrections are computed per parameter in float64. `apply` = 0 returns
 * every input unchanged.
 *
 * @param memoryOf how this backend's tensors are read and written.
 */
export function adamGroupKernel(memoryOf: (backend: unknown) => KernelMemory): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as AdamGroupAttrs & NamedAttrMap;
    const mem = memoryOf(backend);
    const { p: ps, g: gs, m: ms, v: vs } = readGroup(inputs, a.count, { g: true, m: true, v: true });
    const { apply, scale } = stepScalars(inputs, mem);
    if (apply === 0) {
      return [...ps, ...ms, ...vs].map((t) => mem.alias(t));
    }
    const outs = [ps, ms, vs].map((list) => list.map((x) => mem.updated(x)));
    const [pOuts, mOuts, vOuts] = outs as [TensorInfo[], TensorInfo[], TensorInfo[]];
    ps.forEach((p, i) => {
      // Each parameter's own step number (counted by the optimizer): bias corrections in float64.
      const slot = [p, gs[i], ms[i], vs[i], pOuts[i], mOuts[i], vOuts[i]];
      if (slot.every((x) => x !== undefined)) runOne(mem, adamConstants(a, a.steps[i] ?? 1, scale), slot);
    });
    return [...pOuts, ...mOuts, ...vOuts];
  };
}

/** PyTorch's per-step constants for step number `t` (1-based). */
function adamConstants(a: AdamGroupAttrs, t: number, scale: number): AdamConstants {
  const { stepSize, bc2Sqrt } = adamBiasCorrections(a, t);
  return {
    stepSize,
    invSqrtBc2: 1 / bc2Sqrt,
    beta1: a.beta1,
    beta2: a.beta2,
    eps: a.eps,
    decayMul: a.decoupled ? 1 - a.lr * a.weightDecay : 1,
    coupledWd: a.decoupled ? 0 : a.weightDecay,
    scale,
  };
}

/** The float arguments of the SIMD `adam` function, in its order. */
function simdConstants(k: AdamConstants): number[] {
  return [k.stepSize, k.beta1, 1 - k.beta1, k.beta2, 1 - k.beta2, k.eps, k.invSqrtBc2, k.decayMul, k.coupledWd, k.scale];
}

function runOne(mem: KernelMemory, k: AdamConstants, slot: TensorInfo[]): void {
  const [p, g, m, v, pOut, mOut, vOut] = slot as [TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo];
  const n = sizeOf(p);
  const view = mem.view;
  const arrays = (): AdamArrays => ({
    p: view(p),
    g: view(g),
    m: view(m),
    v: view(v),
    pOut: view(pOut),
    mOut: view(mOut),
    vOut: view(vOut),
  });
  if (mem.staging !== null) {
    runStagedAdam(mem.staging, k, arrays(), n);
    return;
  }
  const simd = mem.simd;
  const whole = simd === null ? 0 : n - (n % 4);
  if (simd !== null && whole > 0) {
    const at = mem.offset;
    simdExport(simd, 'adam')(at(p), at(pOut), at(g), at(m), at(mOut), at(v), at(vOut), whole * 4, ...simdConstants(k));
  }
  if (whole < n) adamLoop(arrays(), k, whole, n);
}

/** Adam through the staging area: slots 0 = p, 1 = g, 2 = m, 3 = v (updated in place, copied back). */
function runStagedAdam(st: SimdStaging, k: AdamConstants, a: AdamArrays, n: number): void {
  const slot = (s: number): number => s * st.chunk * 4;
  const outputs: [number, Float32Array][] = [
    [0, a.pOut],
    [2, a.mOut],
    [3, a.vOut],
  ];
  const adam = simdExport(st.simd, 'adam');
  const run = (nBytes: number): void => {
    adam(slot(0), slot(0), slot(1), slot(2), slot(2), slot(3), slot(3), nBytes, ...simdConstants(k));
  };
  runStaged(st, [a.p, a.g, a.m, a.v], outputs, n, run, (from, to) => {
    adamLoop(a, k, from, to);
  });
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
 * fusedAdamGroupUpdate({ params: [w], grads: [g], m: [m], v: [v], steps: [step], hostSteps: [1] },
 *   { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true },
 *   { gradScale: null, apply: null });
 * ```
 */
export const fusedAdamGroupUpdate: AdamGroupUpdate = (group, hyper, control) => {
  const count = group.params.length;
  const counts = [group.grads.length, group.m.length, group.v.length, group.hostSteps.length];
  if (counts.some((c) => c !== count)) {
    throw new SolverError(
      'argument',
      `fusedAdamGroupUpdate: got ${count} params, ${counts.join(', ')} grads, m, v, host steps; expected the same count`,
    );
  }
  if (count === 0) {
    return;
  }
  const inputs = namedGroups({ p: group.params, g: group.grads, m: group.m, v: group.v }, controlInputs(control));
  const attrs = {
    count,
    ...hyper,
    steps: [...group.hostSteps],
    knownSkipped: control.skipped?.known ?? 0,
    totalAt: control.skipped?.at ?? 0,
    biasStep: (control as GpuStepControl).biasStep ?? 0,
  };
  assignOutputs(ADAM_GROUP_KERNEL, inputs, attrs, [...group.params, ...group.m, ...group.v]);
};

/**
 * Validates Adam's options: `betas` two numbers in [0, 1) (default PyTorch's [0.9, 0.999]),
 * `eps` > 0 (default 1e-8).
 * @throws SolverError('argument') naming the option.
 */
function adamOptions(decoupled: boolean): (options: RuleOptions) => AdamOptions {
  return (options) => {
    const [beta1, beta2] = checkBetas(options.betas ?? [0.9, 0.999]);
    const eps = options.eps ?? 1e-8;
    if (!(eps > 0 && Number.isFinite(eps))) throw new SolverError('argument', `eps: got ${eps}, expected a finite number > 0`);
    return { beta1, beta2, eps, decoupled };
  };
}

/**
 * Checks a pair of betas (Adam's, Lion's): two numbers in [0, 1).
 * @throws SolverError('argument') echoing the pair.
 */
export function checkBetas(betas: readonly number[]): readonly [number, number] {
  const [b1, b2] = betas;
  if (betas.length !== 2 || b1 === undefined || b2 === undefined || !betas.every((b) => b >= 0 && b < 1)) {
    throw new SolverError('argument', `betas: got [${betas.join(', ')}], expected two numbers in [0, 1)`);
  }
  return [b1, b2];
}

/** The Adam rule's update on the generic group tensors: slots m, v, step. */
function asAdam(update: AdamGroupUpdate): UpdateRule<AdamOptions>['update'] {
  return (group, hyper, control) => {
    const [m = [], v = [], steps = []] = group.slots;
    update({ params: group.params, grads: group.grads, m, v, steps, hostSteps: group.steps }, hyper, control);
  };
}

function adamLike(name: string, decoupled: boolean): UpdateRule<AdamOptions> {
  return {
    name,
    resolve: adamOptions(decoupled),
    fromConfig: (solver) => ({ betas: solver.BETAS, eps: solver.EPS }),
    slots: () => [{ name: 'm' }, { name: 'v' }, { name: 'step', scalar: true }],
    countsSteps: true,
    update: asAdam(adamGroupUpdateOps),
    fused: {
      cpu: asAdam(fusedAdamGroupUpdate),
      wasm: asAdam(fusedAdamGroupUpdate),
      webgl: asAdam(fusedAdamGroupUpdate),
      webgpu: asAdam(fusedAdamGroupUpdate),
    },
    kernels: [{ kernelName: ADAM_GROUP_KERNEL, make: adamGroupKernel }],
    wasmFunctions: () => [adamFunction()],
  };
}

/**
 * Adam (Kingma & Ba), PyTorch's definition: weight decay added to the gradient. Config keys:
 * `SOLVER.BETAS` (default [0.9, 0.999]), `SOLVER.EPS`. Slots: `m`, `v`, `step` (per parameter).
 */
export const adamRule: UpdateRule<AdamOptions> = adamLike('Adam', false);

/** AdamW (Loshchilov & Hutter), PyTorch's definition: decoupled weight decay. Keys and slots as Adam. */
export const adamWRule: UpdateRule<AdamOptions> = adamLike('AdamW', true);
