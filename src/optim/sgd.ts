import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { SolverError } from '../errors.js';
import {
  assignOutputs,
  controlInputs,
  type KernelMemory,
  namedGroups,
  readGroup,
  SGD_GROUP_KERNEL,
  sizeOf,
  stepScalars,
} from './kernels/shared.js';
import {
  F32,
  f32x4Add,
  f32x4Mul,
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
import { appliedSelector, type RuleOptions, type StepControl, type UpdateRule } from './rule.js';

/** SGD's own hyperparameters (PyTorch's definition, dampening 0): momentum μ and Nesterov. */
export interface SgdOptions {
  readonly momentum: number;
  readonly nesterov: boolean;
}

/** SGD hyperparameters of one group, PyTorch's definition, dampening 0. */
export interface SgdHyperparams extends SgdOptions {
  readonly lr: number;
  readonly weightDecay: number;
}

/**
 * One group's tensors for SGD. `buffers[i]` is the momentum buffer of `params[i]`, created as
 * zeros (then `b ← μ·0 + g = g` on the first step, exactly PyTorch's `b ← g`); empty when
 * momentum is 0.
 */
export interface SgdGroupTensors {
  readonly params: readonly tf.Variable[];
  readonly grads: readonly tf.Tensor[];
  readonly buffers: readonly tf.Variable[];
}

/** Applies one SGD step to one group in place (see {@link StepControl} for the contract). */
export type SgdGroupUpdate = (group: SgdGroupTensors, hyper: SgdHyperparams, control: StepControl) => void;

/**
 * One SGD step for one group with plain tfjs ops, PyTorch's definition: per
 * parameter `g ← s·g + λp`; `b ← μb + g` (b starts at zero, so the first step gives `b = g`);
 * `g ← g + μb` (nesterov) or `g ← b`; `p ← p − lr·g`. The LR stays outside the buffer, so an LR
 * change takes effect at once.
 *
 * Why plain ops: it runs on every backend and is the reference the fused kernels must match.
 * Follows the {@link SgdGroupUpdate} contract: assigns params and buffers, never syncs, leaves
 * no tensors behind.
 *
 * @example
 * ```ts
 * sgdGroupUpdateOps({ params: [w], grads: [g], buffers: [b] },
 *   { lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0 }, { gradScale: null, apply: null });
 * ```
 */
export const sgdGroupUpdateOps: SgdGroupUpdate = (group, hyper, control) => {
  tf.tidy(() => {
    const lr = tf.scalar(hyper.lr);
    const mu = tf.scalar(hyper.momentum);
    const lambda = tf.scalar(hyper.weightDecay);
    group.params.forEach((p, i) => {
      const raw = group.grads[i] as tf.Tensor;
      const select = appliedSelector(control.apply, p);
      let g = control.gradScale === null ? raw : tf.mul(raw, control.gradScale);
      if (hyper.weightDecay !== 0) g = tf.add(g, tf.mul(lambda, p));
      if (hyper.momentum !== 0) {
        const buffer = group.buffers[i] as tf.Variable;
        const b = tf.add(tf.mul(mu, buffer), g);
        g = hyper.nesterov ? tf.add(g, tf.mul(mu, b)) : b;
        buffer.assign(select(b, buffer));
      }
      p.assign(select(tf.sub(p, tf.mul(lr, g)), p));
    });
  });
};

/** The numbers one SGD kernel call needs, already resolved (clip scale read, decay of the group). */
export interface SgdConstants {
  readonly lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  /** The clip coefficient that multiplies every gradient (1 when there is none). */
  readonly scale: number;
}

/** Where one tensor's update reads and writes (`pOut`/`bOut` may be the same arrays as the inputs). */
export interface SgdArrays {
  readonly p: Float32Array;
  readonly g: Float32Array;
  readonly b: Float32Array | null;
  readonly pOut: Float32Array;
  readonly bOut: Float32Array | null;
}

/**
 * PyTorch's SGD over elements `[from, to)` of one tensor, in plain JavaScript:
 * `d = scale·g + λp; b ← μb + d; p ← p − lr·(nesterov ? d + μb : b)` (or `p ← p − lr·d` when μ = 0).
 * Used on the cpu backend and for the last < 4 elements of the wasm SIMD path. The three variants
 * are separate loops so that none tests a flag per element.
 */
export function sgdLoop(a: SgdArrays, k: SgdConstants, from: number, to: number): void {
  const { p, g, pOut } = a;
  const { lr, weightDecay: wd, scale, momentum: mu } = k;
  if (a.b === null || a.bOut === null || mu === 0) {
    for (let i = from; i < to; i++) {
      const pi = p[i] as number;
      pOut[i] = pi - lr * ((g[i] as number) * scale + wd * pi);
    }
    return;
  }
  const { b, bOut } = a;
  if (k.nesterov) {
    for (let i = from; i < to; i++) {
      const pi = p[i] as number;
      const d = (g[i] as number) * scale + wd * pi;
      const bi = mu * (b[i] as number) + d;
      bOut[i] = bi;
      pOut[i] = pi - lr * (d + mu * bi);
    }
    return;
  }
  for (let i = from; i < to; i++) {
    const pi = p[i] as number;
    const bi = mu * (b[i] as number) + (g[i] as number) * scale + wd * pi;
    bOut[i] = bi;
    pOut[i] = pi - lr * bi;
  }
}

/**
 * Loads `p` from `pIn` into the local `p` and leaves `d = scale·g + wd·p` (the decayed, scaled
 * gradient) in the local `d`: the first half of every SGD SIMD loop body.
 */
function decayedGradient(at: Readonly<Record<'pIn' | 'g' | 'counter' | 'scale' | 'wd' | 'p' | 'd', number>>): number[] {
  return [
    ...load(at.pIn, at.counter),
    ...localSet(at.p),
    ...load(at.g, at.counter),
    ...localGet(at.scale),
    ...f32x4Mul,
    ...localGet(at.wd),
    ...localGet(at.p),
    ...f32x4Mul,
    ...f32x4Add,
    ...localSet(at.d),
  ];
}

/**
 * `sgd(pIn, pOut, g, nBytes, lr, wd, scale)`: `p ← p − lr·(scale·g + wd·p)` (momentum 0).
 * `d` is the decayed, scaled gradient.
 */
export function sgdFunction(): WasmFunction {
  const params = { pIn: I32, pOut: I32, g: I32, nBytes: I32, lrIn: F32, wdIn: F32, scaleIn: F32 };
  const locals = { counter: I32, lr: V128, wd: V128, scale: V128, p: V128, d: V128 };
  return wasmFunction('sgd', params, locals, [], (at) => {
    const body = [
      ...decayedGradient(at),
      ...store(at.pOut, at.counter, [...localGet(at.p), ...localGet(at.lr), ...localGet(at.d), ...f32x4Mul, ...f32x4Sub]),
    ];
    const splats = [...splatLocal(at.lrIn, at.lr), ...splatLocal(at.wdIn, at.wd), ...splatLocal(at.scaleIn, at.scale)];
    return [...splats, ...vectorLoop(at.counter, at.nBytes, body)];
  });
}

/**
 * `sgdMomentum(pIn, pOut, g, bIn, bOut, nBytes, lr, mu, wd, scale)` (PyTorch's, dampening 0):
 * `d = scale·g + wd·p; b ← mu·b + d; p ← p − lr·(nesterov ? d + mu·b : b)`.
 */
export function sgdMomentumFunction(nesterov: boolean): WasmFunction {
  const params = { pIn: I32, pOut: I32, g: I32, bIn: I32, bOut: I32, nBytes: I32, lrIn: F32, muIn: F32, wdIn: F32, scaleIn: F32 };
  const locals = { counter: I32, lr: V128, mu: V128, wd: V128, scale: V128, p: V128, d: V128, b: V128 };
  return wasmFunction(nesterov ? 'sgdNesterov' : 'sgdMomentum', params, locals, [], (at) => {
    const direction = nesterov ? [...localGet(at.d), ...localGet(at.mu), ...localGet(at.b), ...f32x4Mul, ...f32x4Add] : localGet(at.b);
    const body = [
      ...decayedGradient(at),
      ...store(at.bOut, at.counter, [...localGet(at.mu), ...load(at.bIn, at.counter), ...f32x4Mul, ...localGet(at.d), ...f32x4Add], at.b),
      ...store(at.pOut, at.counter, [...localGet(at.p), ...localGet(at.lr), ...direction, ...f32x4Mul, ...f32x4Sub]),
    ];
    const splats = [
      ...splatLocal(at.lrIn, at.lr),
      ...splatLocal(at.muIn, at.mu),
      ...splatLocal(at.wdIn, at.wd),
      ...splatLocal(at.scaleIn, at.scale),
    ];
    return [...splats, ...vectorLoop(at.counter, at.nBytes, body)];
  });
}

/** Attributes of the fused SGD group kernel (the group's {@link SgdHyperparams} plus the count). */
export interface SgdGroupAttrs extends SgdHyperparams {
  readonly count: number;
}

/**
 * The fused SGD kernel: inputs `p_i, g_i` (and `b_i` when momentum ≠ 0), optional scalars
 * `gradScale` and `apply`; outputs the new params then the new buffers. One pass per tensor:
 * SIMD over whole vectors when the memory has it, plain loop for the rest.
 * `apply` = 0 returns the inputs unchanged (new references, bit-identical).
 *
 * @param memoryOf how this backend's tensors are read and written.
 */
export function sgdGroupKernel(memoryOf: (backend: unknown) => KernelMemory): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as SgdGroupAttrs & NamedAttrMap;
    const mem = memoryOf(backend);
    const { p: ps, g: gs, b: bs } = readGroup(inputs, a.count, { g: true, b: a.momentum !== 0 });
    const { apply, scale } = stepScalars(inputs, mem);
    if (apply === 0) {
      return [...ps, ...bs].map((t) => mem.alias(t));
    }
    const pOuts = ps.map((t) => mem.updated(t));
    const bOuts = bs.map((t) => mem.updated(t));
    const k: SgdConstants = { lr: a.lr, momentum: a.momentum, nesterov: a.nesterov, weightDecay: a.weightDecay, scale };
    ps.forEach((p, i) => {
      runOne(mem, k, [p, pOuts[i], gs[i], bs[i], bOuts[i]]);
    });
    return [...pOuts, ...bOuts];
  };
}

type Slots = [TensorInfo, TensorInfo | undefined, TensorInfo | undefined, TensorInfo | undefined, TensorInfo | undefined];

function runOne(mem: KernelMemory, k: SgdConstants, [p, pOut, g, b, bOut]: Slots): void {
  if (pOut === undefined || g === undefined) {
    return;
  }
  const n = sizeOf(p);
  if (mem.staging !== null) {
    const view = (t: TensorInfo | undefined): Float32Array | null => (t === undefined ? null : mem.view(t));
    runStagedSgd(mem.staging, k, { p: mem.view(p), g: mem.view(g), pOut: mem.view(pOut), b: view(b), bOut: view(bOut) }, n);
    return;
  }
  const whole = mem.simd === null ? 0 : n - (n % 4);
  const simd = mem.simd;
  if (simd !== null && whole > 0) {
    const at = mem.offset;
    if (b === undefined || bOut === undefined) {
      simdExport(simd, 'sgd')(at(p), at(pOut), at(g), whole * 4, k.lr, k.weightDecay, k.scale);
    } else {
      const fn = simdExport(simd, k.nesterov ? 'sgdNesterov' : 'sgdMomentum');
      fn(at(p), at(pOut), at(g), at(b), at(bOut), whole * 4, k.lr, k.momentum, k.weightDecay, k.scale);
    }
  }
  if (whole < n) {
    const view = (t: TensorInfo | undefined): Float32Array | null => (t === undefined ? null : mem.view(t));
    const arrays = { p: mem.view(p), g: mem.view(g), pOut: mem.view(pOut), b: view(b), bOut: view(bOut) };
    sgdLoop(arrays, k, whole, n);
  }
}

/** SGD through the staging area: slots 0 = p, 1 = g, 2 = b (updated in their slots, copied back). */
function runStagedSgd(st: SimdStaging, k: SgdConstants, a: SgdArrays, n: number): void {
  const slot = (s: number): number => s * st.chunk * 4;
  const tail = (from: number, to: number): void => {
    sgdLoop(a, k, from, to);
  };
  if (a.b === null || a.bOut === null) {
    runStaged(
      st,
      [a.p, a.g],
      [[0, a.pOut]],
      n,
      (nBytes) => {
        simdExport(st.simd, 'sgd')(slot(0), slot(0), slot(1), nBytes, k.lr, k.weightDecay, k.scale);
      },
      tail,
    );
    return;
  }
  const fn = simdExport(st.simd, k.nesterov ? 'sgdNesterov' : 'sgdMomentum');
  runStaged(
    st,
    [a.p, a.g, a.b],
    [
      [0, a.pOut],
      [2, a.bOut],
    ],
    n,
    (nBytes) => {
      fn(slot(0), slot(0), slot(1), slot(2), slot(2), nBytes, k.lr, k.momentum, k.weightDecay, k.scale);
    },
    tail,
  );
}

/**
 * One SGD step for one group with the fused kernel: one pass over param, gradient and momentum
 * buffer per tensor, clip scale and skip flag read inside the kernel (same numbers as
 * `sgdGroupUpdateOps` within float32 rounding).
 *
 * Why: on the cpu and wasm backends every tfjs op is a separate pass over memory; SGD with
 * nesterov, decay and a clip scale is ~8 ops per tensor. Fused, the step moves each byte once.
 * The kernel overwrites a variable's buffer when the variable is its only holder, otherwise it
 * writes a new one (see KernelMemory.updated); either way the result is `assign`ed.
 *
 * Requires {@link registerFusedKernels} to have run and the active backend to be `cpu` or `wasm`.
 *
 * @throws SolverError('argument') when buffers are missing for momentum ≠ 0 or grads do not match params.
 * @throws SolverError('backend') when the kernel is not registered for the active backend.
 * @example
 * ```ts
 * import { registerFusedKernels } from './kernels/registry.js';
 * registerFusedKernels();
 * fusedSgdGroupUpdate({ params: [w], grads: [g], buffers: [b] },
 *   { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 }, { gradScale: null, apply: null });
 * ```
 */
export const fusedSgdGroupUpdate: SgdGroupUpdate = (group, hyper, control) => {
  const count = group.params.length;
  const withMomentum = hyper.momentum !== 0;
  if (group.grads.length !== count || (withMomentum && group.buffers.length !== count)) {
    throw new SolverError(
      'argument',
      `fusedSgdGroupUpdate: got ${count} params, ${group.grads.length} grads, ${group.buffers.length} buffers; ` +
        `expected as many grads${withMomentum ? ' and buffers' : ''} as params`,
    );
  }
  if (count === 0) {
    return;
  }
  const inputs = namedGroups({ p: group.params, g: group.grads, b: withMomentum ? group.buffers : [] }, controlInputs(control));
  const attrs = { count, lr: hyper.lr, momentum: hyper.momentum, nesterov: hyper.nesterov, weightDecay: hyper.weightDecay };
  assignOutputs(SGD_GROUP_KERNEL, inputs, attrs, [...group.params, ...(withMomentum ? group.buffers : [])]);
};

/**
 * Validates SGD's options (`momentum` >= 0, default 0; `nesterov` needs momentum > 0, default false).
 * @throws SolverError('argument') naming the option.
 */
function resolveSgd(options: RuleOptions): SgdOptions {
  const momentum = options.momentum ?? 0;
  const nesterov = options.nesterov ?? false;
  if (!(momentum >= 0 && Number.isFinite(momentum))) {
    throw new SolverError('argument', `momentum: got ${momentum}, expected a finite number >= 0`);
  }
  if (nesterov && momentum === 0) {
    throw new SolverError('argument', 'nesterov: got true with momentum 0, Nesterov momentum needs momentum > 0');
  }
  return { momentum, nesterov };
}

/** The SGD rule's update on the generic group tensors: slot 0 is the momentum buffer (when μ ≠ 0). */
function asSgd(update: SgdGroupUpdate): UpdateRule<SgdOptions>['update'] {
  return (group, hyper, control) => {
    update({ params: group.params, grads: group.grads, buffers: group.slots[0] ?? [] }, hyper, control);
  };
}

/**
 * SGD with momentum, Nesterov and weight decay, PyTorch's definition (dampening 0): detectron2's
 * default rule. Config keys: `SOLVER.MOMENTUM`, `SOLVER.NESTEROV`. Slot: `momentum` (when μ ≠ 0).
 */
export const sgdRule: UpdateRule<SgdOptions> = {
  name: 'SGD',
  resolve: resolveSgd,
  fromConfig: (solver) => ({ momentum: solver.MOMENTUM, nesterov: solver.NESTEROV }),
  slots: (hyper) => (hyper.momentum === 0 ? [] : [{ name: 'momentum' }]),
  countsSteps: false,
  update: asSgd(sgdGroupUpdateOps),
  fused: {
    cpu: asSgd(fusedSgdGroupUpdate),
    wasm: asSgd(fusedSgdGroupUpdate),
    webgl: asSgd(fusedSgdGroupUpdate),
    webgpu: asSgd(fusedSgdGroupUpdate),
  },
  kernels: [{ kernelName: SGD_GROUP_KERNEL, make: sgdGroupKernel }],
  wasmFunctions: () => [sgdFunction(), sgdMomentumFunction(false), sgdMomentumFunction(true)],
};
