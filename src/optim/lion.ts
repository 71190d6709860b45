import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { SolverError } from '../errors.js';
import { checkBetas } from './adam.js';
import { assignOutputs, controlInputs, type KernelMemory, namedGroups, readGroup, sizeOf, stepScalars } from './kernels/shared.js';
import {
  F32,
  f32Const,
  f32x4Add,
  f32x4Gt,
  f32x4Lt,
  f32x4Mul,
  f32x4Splat,
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
  v128And,
  v128Or,
  vectorLoop,
  type WasmFunction,
  wasmFunction,
} from './kernels/wasm.js';
import { appliedSelector, type RuleOptions, type UpdateRule } from './rule.js';

/**
 * Lion's hyperparameters (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"):
 * β1 interpolates the update direction, β2 the momentum. Defaults 0.9 and 0.99.
 */
export interface LionOptions {
  readonly beta1: number;
  readonly beta2: number;
}

/** Lion hyperparameters of one group. */
export interface LionHyperparams extends LionOptions {
  readonly lr: number;
  readonly weightDecay: number;
}

/** Lion's default betas, the paper's. */
export const LION_BETAS: readonly [number, number] = [0.9, 0.99];

/** The name of the fused Lion kernel in tfjs's kernel registry. */
export const LION_GROUP_KERNEL = 'TfjsSolverLionGroup';

/**
 * One Lion step for one group with plain tfjs ops, per parameter: `g ← s·g`;
 * `c = β1·m + (1−β1)·g`; `p ← p − lr·(sign(c) + λ·p)`; `m ← β2·m + (1−β2)·g`.
 * `sign(0)` is 0. Slot 0 holds the momentum `m` (zeros at first). Runs on every backend; the
 * reference the fused kernels match. Follows the update contract of {@link UpdateRule}.
 */
export const lionGroupUpdateOps: UpdateRule<LionOptions>['update'] = (group, hyper, control) => {
  tf.tidy(() => {
    const b1 = tf.scalar(hyper.beta1);
    const b2 = tf.scalar(hyper.beta2);
    const c1 = tf.scalar(1 - hyper.beta1);
    const c2 = tf.scalar(1 - hyper.beta2);
    const lr = tf.scalar(hyper.lr);
    const decayMul = tf.scalar(1 - hyper.lr * hyper.weightDecay);
    const moments = group.slots[0] ?? [];
    group.params.forEach((p, i) => {
      const raw = group.grads[i] as tf.Tensor;
      const mVar = moments[i] as tf.Variable;
      const select = appliedSelector(control.apply, p);
      const g = control.gradScale === null ? raw : tf.mul(raw, control.gradScale);
      const c = tf.add(tf.mul(b1, mVar), tf.mul(c1, g));
      const base = hyper.weightDecay === 0 ? p : tf.mul(decayMul, p);
      const next = tf.sub(base, tf.mul(lr, tf.sign(c)));
      const m = tf.add(tf.mul(b2, mVar), tf.mul(c2, g));
      mVar.assign(select(m, mVar));
      p.assign(select(next, p));
    });
  });
};

/** The numbers one Lion kernel call needs: `decayMul = 1 − lr·λ`, `scale` the clip coefficient. */
export interface LionConstants {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly decayMul: number;
  readonly scale: number;
}

/** Where one tensor's Lion update reads and writes (outputs may alias the inputs). */
export interface LionArrays {
  readonly p: Float32Array;
  readonly g: Float32Array;
  readonly m: Float32Array;
  readonly pOut: Float32Array;
  readonly mOut: Float32Array;
}

/** Lion over elements `[from, to)` of one tensor, in plain JavaScript (see {@link lionGroupUpdateOps}). */
export function lionLoop(a: LionArrays, k: LionConstants, from: number, to: number): void {
  const { p, g, m, pOut, mOut } = a;
  const { lr, beta1, beta2, decayMul, scale } = k;
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  for (let i = from; i < to; i++) {
    const d = (g[i] as number) * scale;
    const mi = m[i] as number;
    const c = beta1 * mi + c1 * d;
    const sign = c > 0 ? 1 : c < 0 ? -1 : 0;
    pOut[i] = decayMul * (p[i] as number) - lr * sign;
    mOut[i] = beta2 * mi + c2 * d;
  }
}

/**
 * `lion(pIn, pOut, g, mIn, mOut, nBytes, lr, b1, c1, b2, c2, decayMul, scale)`:
 * `d = scale·g; c = b1·m + c1·d; p ← decayMul·p − lr·sign(c); m ← b2·m + c2·d`, with
 * `c1 = 1 − b1`, `c2 = 1 − b2`. `sign(c)` is built from two lane masks: `(c > 0) & 1.0 | (c < 0) & −1.0`.
 */
export function lionFunction(): WasmFunction {
  const params = {
    pIn: I32,
    pOut: I32,
    g: I32,
    mIn: I32,
    mOut: I32,
    nBytes: I32,
    lrIn: F32,
    b1In: F32,
    c1In: F32,
    b2In: F32,
    c2In: F32,
    decayMulIn: F32,
    scaleIn: F32,
  };
  const constants = { lr: V128, b1: V128, c1: V128, b2: V128, c2: V128, decayMul: V128, scale: V128 };
  const locals = { counter: I32, ...constants, one: V128, minusOne: V128, zero: V128, d: V128, m: V128, c: V128 };
  return wasmFunction('lion', params, locals, [], (at) => {
    const splats = (Object.keys(constants) as (keyof typeof constants)[]).flatMap((c) => splatLocal(at[`${c}In`], at[c]));
    const fixed = [
      ...f32Const(1),
      ...f32x4Splat,
      ...localSet(at.one),
      ...f32Const(-1),
      ...f32x4Splat,
      ...localSet(at.minusOne),
      ...f32Const(0),
      ...f32x4Splat,
      ...localSet(at.zero),
    ];
    const mul = (a: number, b: number): number[] => [...localGet(a), ...localGet(b), ...f32x4Mul];
    const mask = (cmp: number[], value: number): number[] => [
      ...localGet(at.c),
      ...localGet(at.zero),
      ...cmp,
      ...localGet(value),
      ...v128And,
    ];
    const sign = [...mask(f32x4Gt, at.one), ...mask(f32x4Lt, at.minusOne), ...v128Or];
    const body = [
      ...load(at.g, at.counter),
      ...localGet(at.scale),
      ...f32x4Mul,
      ...localSet(at.d),
      ...load(at.mIn, at.counter),
      ...localSet(at.m),
      ...mul(at.b1, at.m),
      ...mul(at.c1, at.d),
      ...f32x4Add,
      ...localSet(at.c),
      ...store(at.pOut, at.counter, [
        ...localGet(at.decayMul),
        ...load(at.pIn, at.counter),
        ...f32x4Mul,
        ...localGet(at.lr),
        ...sign,
        ...f32x4Mul,
        ...f32x4Sub,
      ]),
      ...store(at.mOut, at.counter, [...mul(at.b2, at.m), ...mul(at.c2, at.d), ...f32x4Add]),
    ];
    return [...splats, ...fixed, ...vectorLoop(at.counter, at.nBytes, body)];
  });
}

/** Attributes of the fused Lion group kernel. */
export interface LionGroupAttrs extends LionHyperparams {
  readonly count: number;
}

/**
 * The fused Lion kernel: inputs `p_i, g_i, m_i`, optional scalars `gradScale` and `apply`;
 * outputs the new params then the new momenta. One pass per tensor: SIMD over whole vectors when
 * the memory has it, a plain loop for the rest. `apply` = 0 returns the inputs unchanged.
 *
 * @param memoryOf how this backend's tensors are read and written.
 */
export function lionGroupKernel(memoryOf: (backend: unknown) => KernelMemory): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as LionGroupAttrs & NamedAttrMap;
    const mem = memoryOf(backend);
    const { p: ps, g: gs, m: ms } = readGroup(inputs, a.count, { g: true, m: true });
    const { apply, scale } = stepScalars(inputs, mem);
    if (apply === 0) return [...ps, ...ms].map((t) => mem.alias(t));
    const pOuts = ps.map((t) => mem.updated(t));
    const mOuts = ms.map((t) => mem.updated(t));
    const k: LionConstants = { lr: a.lr, beta1: a.beta1, beta2: a.beta2, decayMul: 1 - a.lr * a.weightDecay, scale };
    ps.forEach((p, i) => {
      const slot = [p, gs[i], ms[i], pOuts[i], mOuts[i]];
      if (slot.every((x) => x !== undefined)) runOne(mem, k, slot);
    });
    return [...pOuts, ...mOuts];
  };
}

/** The float arguments of the SIMD `lion` function, in its order. */
function simdConstants(k: LionConstants): number[] {
  return [k.lr, k.beta1, 1 - k.beta1, k.beta2, 1 - k.beta2, k.decayMul, k.scale];
}

function runOne(mem: KernelMemory, k: LionConstants, slot: TensorInfo[]): void {
  const [p, g, m, pOut, mOut] = slot as [TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo];
  const n = sizeOf(p);
  const view = mem.view;
  const arrays = (): LionArrays => ({ p: view(p), g: view(g), m: view(m), pOut: view(pOut), mOut: view(mOut) });
  if (mem.staging !== null) {
    runStagedLion(mem.staging, k, arrays(), n);
    return;
  }
  const simd = mem.simd;
  const whole = simd === null ? 0 : n - (n % 4);
  if (simd !== null && whole > 0) {
    const at = mem.offset;
    simdExport(simd, 'lion')(at(p), at(pOut), at(g), at(m), at(mOut), whole * 4, ...simdConstants(k));
  }
  if (whole < n) lionLoop(arrays(), k, whole, n);
}

/** Lion through the staging area: slots 0 = p, 1 = g, 2 = m (updated in their slots, copied back). */
function runStagedLion(st: SimdStaging, k: LionConstants, a: LionArrays, n: number): void {
  const slot = (s: number): number => s * st.chunk * 4;
  const lion = simdExport(st.simd, 'lion');
  const outputs: [number, Float32Array][] = [
    [0, a.pOut],
    [2, a.mOut],
  ];
  const run = (nBytes: number): void => {
    lion(slot(0), slot(0), slot(1), slot(2), slot(2), nBytes, ...simdConstants(k));
  };
  runStaged(st, [a.p, a.g, a.m], outputs, n, run, (from, to) => {
    lionLoop(a, k, from, to);
  });
}

/**
 * One Lion step for one group with the fused kernel (cpu and wasm): one pass over param,
 * gradient and momentum per tensor; the clip scale and the skip flag are read inside the kernel.
 * Same numbers as {@link lionGroupUpdateOps} within float32 rounding.
 *
 * @throws SolverError('argument') when the momenta do not match the params.
 * @throws SolverError('backend') when the kernel is not registered for the active backend.
 */
export const fusedLionGroupUpdate: UpdateRule<LionOptions>['update'] = (group, hyper, control) => {
  const count = group.params.length;
  const moments = group.slots[0] ?? [];
  if (group.grads.length !== count || moments.length !== count) {
    throw new SolverError(
      'argument',
      `fusedLionGroupUpdate: got ${count} params, ${group.grads.length} grads, ${moments.length} momenta; expected the same count`,
    );
  }
  if (count === 0) return;
  const inputs = namedGroups({ p: group.params, g: group.grads, m: moments }, controlInputs(control));
  const attrs = { count, lr: hyper.lr, weightDecay: hyper.weightDecay, beta1: hyper.beta1, beta2: hyper.beta2 };
  assignOutputs(LION_GROUP_KERNEL, inputs, attrs, [...group.params, ...moments]);
};

/** Lion's options: `betas` (default [0.9, 0.99], the paper's), two numbers in [0, 1). */
function resolveLion(options: RuleOptions): LionOptions {
  const [beta1, beta2] = checkBetas(options.betas ?? LION_BETAS);
  return { beta1, beta2 };
}

/**
 * Lion: the sign of an interpolated momentum, with decoupled weight decay. Config keys:
 * `SOLVER.BETAS` (null: Lion's own [0.9, 0.99]). Slot: `m`. Typical LRs are 3-10× smaller than
 * AdamW's and weight decays 3-10× larger.
 */
export const lionRule: UpdateRule<LionOptions> = {
  name: 'Lion',
  resolve: resolveLion,
  fromConfig: (solver) => ({ betas: solver.BETAS }),
  slots: () => [{ name: 'm' }],
  countsSteps: false,
  update: lionGroupUpdateOps,
  fused: { cpu: fusedLionGroupUpdate, wasm: fusedLionGroupUpdate, webgl: fusedLionGroupUpdate, webgpu: fusedLionGroupUpdate },
  kernels: [{ kernelName: LION_GROUP_KERNEL, make: lionGroupKernel }],
  wasmFunctions: () => [lionFunction()],
};
