import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { SolverError } from '../../errors.js';
import type { Carry, GpuPrograms, ReduceMode, StepControlAttrs } from './gpu.js';
import { GRAD_NORMS_KERNEL, type KernelMemory, namedGroups, readGroup, sizeOf, STEP_CONTROL_KERNEL } from './shared.js';
import {
  F32,
  f32Max,
  f32x4Abs,
  f32x4Max,
  f32x4Mul,
  foldLanes,
  F64,
  f64Add,
  f64x2Add,
  f64x2ExtractLane,
  f64x2PromoteLow,
  I32,
  load,
  localGet,
  localSet,
  runStaged,
  shuffleHighToLow,
  type SimdKernels,
  type SimdStaging,
  V128,
  vectorLoop,
  type WasmFunction,
  wasmFunction,
} from './wasm.js';

/**
 * Σ |x|^p over `x[from, to)` in float64, or max |x| when p is Infinity (NaN if any element is NaN).
 * p = 1, 2, 3 avoid `Math.pow`; other p use it. Four accumulators keep the loop from waiting on one add.
 */
export function powerSumLoop(x: Float32Array, p: number, from: number, to: number): number {
  if (p === Infinity) {
    let max = 0;
    for (let i = from; i < to; i++) {
      const a = Math.abs(x[i] as number);
      max = a > max || Number.isNaN(a) ? a : max;
      if (Number.isNaN(max)) {
        return NaN;
      }
    }
    return max;
  }
  const term = termFor(p);
  let s0 = 0;
  let s1 = 0;
  let i = from;
  for (; i + 1 < to; i += 2) {
    s0 += term(x[i] as number);
    s1 += term(x[i + 1] as number);
  }
  if (i < to) {
    s0 += term(x[i] as number);
  }
  return s0 + s1;
}

function termFor(p: number): (v: number) => number {
  switch (p) {
    case 1:
      return Math.abs;
    case 2:
      return (v) => v * v;
    case 3:
      return (v) => Math.abs(v * v * v);
    default:
      return (v) => Math.pow(Math.abs(v), p);
  }
}

/** Which power of |x| a sum function adds up. */
export type PowerSumKind = 'sumAbs' | 'sumSquares' | 'sumCubes';

/** Instructions turning the loaded vector (on the stack) into |x|, x² or |x|³, using local `tmp`. */
function term(kind: PowerSumKind, tmp: number): number[] {
  switch (kind) {
    case 'sumAbs':
      return f32x4Abs;
    case 'sumSquares':
      return [...localSet(tmp), ...localGet(tmp), ...localGet(tmp), ...f32x4Mul];
    case 'sumCubes':
      return [...f32x4Abs, ...localSet(tmp), ...localGet(tmp), ...localGet(tmp), ...f32x4Mul, ...localGet(tmp), ...f32x4Mul];
  }
}

/**
 * `kind(ptr, nBytes) → f64`: Σ |x|^p for p = 1, 2, 3. Each float32 term is widened to float64
 * before it is added (two f64x2 accumulators), so the sum over 25M terms keeps ~1e-12 relative error.
 */
export function powerSumFunction(kind: PowerSumKind): WasmFunction {
  return wasmFunction(kind, { ptr: I32, nBytes: I32 }, { counter: I32, acc0: V128, acc1: V128, x: V128, tmp: V128 }, [F64], (at) => {
    const body = [
      ...load(at.ptr, at.counter),
      ...term(kind, at.tmp),
      ...localSet(at.x),
      ...localGet(at.acc0),
      ...localGet(at.x),
      ...f64x2PromoteLow,
      ...f64x2Add,
      ...localSet(at.acc0),
      ...localGet(at.acc1),
      ...localGet(at.x),
      ...localGet(at.x),
      ...shuffleHighToLow,
      ...f64x2PromoteLow,
      ...f64x2Add,
      ...localSet(at.acc1),
    ];
    const lane = (acc: number, i: number): number[] => [...localGet(acc), ...f64x2ExtractLane(i)];
    const total = [...lane(at.acc0, 0), ...lane(at.acc0, 1), ...f64Add, ...lane(at.acc1, 0), ...f64Add, ...lane(at.acc1, 1), ...f64Add];
    return [...vectorLoop(at.counter, at.nBytes, body), ...total];
  });
}

/** `maxAbs(ptr, nBytes) → f32`: the largest |x| (NaN if any element is NaN, as wasm's max propagates it). */
export function maxAbsFunction(): WasmFunction {
  return wasmFunction('maxAbs', { ptr: I32, nBytes: I32 }, { counter: I32, acc: V128 }, [F32], (at) => {
    const body = [...localGet(at.acc), ...load(at.ptr, at.counter), ...f32x4Abs, ...f32x4Max, ...localSet(at.acc)];
    return [...vectorLoop(at.counter, at.nBytes, body), ...foldLanes(at.acc, f32Max)];
  });
}

/**
 * Attributes of the fused norm kernel: `count` tensors, the norm's `p` (≥ 1 or Infinity) and
 * whether to return one norm per tensor (`global` false, a 1-D tensor) or one over all (a scalar).
 */
export interface GradNormsAttrs {
  readonly count: number;
  readonly p: number;
  readonly global: boolean;
}

/**
 * The fused p-norm kernel: inputs `g_i`; one read of each tensor, summing |x|^p in float64
 * (SIMD for p = 1, 2, 3 and ∞ on wasm). Per tensor: `(Σ|x|^p)^(1/p)`, or `max|x|` for ∞;
 * global: the same over all elements of all tensors (equal to the p-norm of the per-tensor norms).
 *
 * @param memoryOf how this backend's tensors are read.
 */
export function gradNormsKernel(memoryOf: (backend: unknown) => KernelMemory): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as GradNormsAttrs & NamedAttrMap;
    const mem = memoryOf(backend);
    const { g: gs } = readGroup(inputs, a.count, {}, 'g');
    const sums = gs.map((g) => powerSum(mem, g, a.p));
    const root = (s: number): number => (a.p === Infinity ? s : a.p === 1 ? s : a.p === 2 ? Math.sqrt(s) : Math.pow(s, 1 / a.p));
    if (a.global) {
      const total = a.p === Infinity ? sums.reduce((x, y) => (Number.isNaN(y) ? NaN : Math.max(x, y)), 0) : sums.reduce((x, y) => x + y, 0);
      return mem.create([], 'float32', Float32Array.of(root(total)));
    }
    return mem.create([a.count], 'float32', Float32Array.from(sums, root));
  };
}

/** Σ|x|^p (or max|x|) of one tensor: SIMD over whole vectors where available, a loop for the rest. */
function powerSum(mem: KernelMemory, g: TensorInfo, p: number): number {
  const n = sizeOf(g);
  if (mem.staging !== null) {
    return stagedPowerSum(mem.staging, mem.view(g), p, n);
  }
  const simd = mem.simd;
  const fn = simd === null ? null : simdSum(simd, p);
  const whole = fn === null ? 0 : n - (n % 4);
  const head = fn !== null && whole > 0 ? fn(mem.offset(g), whole * 4) : 0;
  if (whole === n) {
    return head;
  }
  const tail = powerSumLoop(mem.view(g), p, whole, n);
  if (p === Infinity) {
    return Number.isNaN(head) || Number.isNaN(tail) ? NaN : Math.max(head, tail);
  }
  return head + tail;
}

/** The SIMD function for Σ|x|^p (p = 1, 2, 3) or max|x| (p = ∞), or null for other p. */
function simdSum(simd: SimdKernels, p: number): ((ptr: number, nBytes: number) => number) | null {
  return p === 1 ? simd.sumAbs : p === 2 ? simd.sumSquares : p === 3 ? simd.sumCubes : p === Infinity ? simd.maxAbs : null;
}

/** Σ|x|^p (or max|x|) through the staging area, chunk by chunk; other p use the plain loop. */
function stagedPowerSum(st: SimdStaging, x: Float32Array, p: number, n: number): number {
  const fn = simdSum(st.simd, p);
  if (fn === null) return powerSumLoop(x, p, 0, n);
  let acc = 0;
  const combine = (part: number): void => {
    acc = p !== Infinity ? acc + part : Number.isNaN(part) || Number.isNaN(acc) ? NaN : Math.max(acc, part);
  };
  runStaged(
    st,
    [x],
    [],
    n,
    (nBytes) => {
      combine(fn(0, nBytes));
    },
    (from, to) => {
      combine(powerSumLoop(x, p, from, to));
    },
  );
  return acc;
}

/**
 * p-norms of gradients in one read of each tensor (fused kernel, cpu and wasm): one norm per
 * tensor (a 1-D tensor, `global` false) or one over all of them (a scalar, `global` true; the
 * `full_model` norm of detectron2's clipping). Sums run in float64; a zero gradient gives 0, a NaN gives NaN.
 *
 * Why: the plain-ops norm is 2-3 passes per tensor (abs, power, sum) plus a stack; this is one.
 * Nothing waits on the device: the result is a tensor.
 *
 * @param grads the gradients (any shapes, float32).
 * @param p the norm's p: a number ≥ 1, or Infinity for max |x|.
 * @param global one norm over all (true) or one per tensor (false). Default true.
 * @returns a new scalar or 1-D tensor the caller disposes.
 * @throws SolverError('argument') for p < 1 or NaN; SolverError('backend') without the kernel.
 * @example
 * ```ts
 * import { registerFusedKernels } from './registry.js';
 * registerFusedKernels();
 * const n = fusedGradNorms([tf.tensor1d([3, 4])], 2); // scalar 5
 * ```
 */
export function fusedGradNorms(grads: readonly tf.Tensor[], p: number, global = true): tf.Tensor {
  if (!(p >= 1)) {
    throw new SolverError('argument', `fusedGradNorms p: got ${p}, expected a number >= 1 or Infinity`);
  }
  const backendName = tf.getBackend();
  if ((tf.getKernel(GRAD_NORMS_KERNEL, backendName) as tf.KernelConfig | undefined) === undefined) {
    throw new SolverError(
      'backend',
      `fused kernel ${GRAD_NORMS_KERNEL}: not registered for backend '${backendName}'; call registerFusedKernels() and use the cpu or wasm backend`,
    );
  }
  const inputs: tf.NamedTensorMap = namedGroups({ g: grads });
  const attrs = { count: grads.length, p, global };
  return tf.engine().runKernel<tf.Tensor>(GRAD_NORMS_KERNEL, inputs, attrs);
}

/**
 * Runs {@link STEP_CONTROL_KERNEL} on the active (GPU) backend: `control` is
 * `[scale, apply, norm, clipped]`; with `guard`, the skipped-steps total after this step is
 * `total` (a new scalar) or, where the backend folds it, element 4 of `control` (`total` null,
 * `folded` true). `old` holds the total before this step at index `at`. Call inside `tf.tidy`.
 */
export function gpuStepControl(
  grads: readonly tf.Tensor[],
  attrs: Omit<StepControlAttrs, 'count' | 'totalAt'>,
  old: { readonly tensor: tf.Tensor; readonly at: number },
): { control: tf.Tensor1D; total: tf.Scalar | null; folded: boolean } {
  const inputs: tf.NamedTensorMap = namedGroups({ g: grads });
  if (attrs.guard) inputs.total = old.tensor;
  const outs = tf.engine().runKernel<tf.Tensor[]>(STEP_CONTROL_KERNEL, inputs, { ...attrs, totalAt: old.at, count: grads.length });
  const folded = attrs.guard && outs.length === 1;
  return { control: outs[0] as tf.Tensor1D, total: attrs.guard && !folded ? (outs[1] as tf.Scalar) : null, folded };
}

/** Units each reduction invocation reads: at least `least`, more for large tensors so that ≤ 1024 blocks remain. */
export function chunkFor(units: number, least = 256): number {
  return Math.max(least, Math.ceil(units / 1024));
}

function inGroups<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The least units per invocation of a flat level: short loops, a few hundred invocations for a small model. */
const FLAT_CHUNK = 64;

/** One level: a partials program per group of at most maxInputs tensors. */
function reduceLevel(gpu: GpuPrograms, xs: readonly TensorInfo[], mode: ReduceMode, carry?: Carry): TensorInfo[] {
  return inGroups(xs, gpu.maxInputs).map((group) => {
    const units = group.map((x) => gpu.units(x, mode));
    const size = mode.flat === true ? units.reduce((a, b) => a + b, 0) : Math.max(...units);
    const chunk = chunkFor(size, mode.flat === true ? FLAT_CHUNK : 256);
    const blocks = Math.max(1, Math.ceil(size / chunk));
    return gpu.partials(group, mode, chunk, blocks, carry);
  });
}

/** Reduces partials level by level (freeing each level) until one tensor of partials remains. */
function reduceToOne(gpu: GpuPrograms, first: TensorInfo[], p: number): TensorInfo {
  let parts = first;
  while (parts.length > 1) {
    const next = reduceLevel(gpu, parts, { p, first: false });
    parts.forEach((t) => {
      gpu.dispose(t);
    });
    parts = next;
  }
  return parts[0] as TensorInfo;
}

/**
 * The fused p-norm kernel on a GPU backend: partial sums of |x|^p for up to maxInputs gradients
 * per program, reduced level by level until one tensor of partials remains, then one program sums
 * it and takes the root. A model whose gradients fit one program (maxInputs tensors) costs two
 * programs, whatever their sizes. Accumulates in float32 (GPUs have no float64): the global norm
 * differs from the cpu kernel's float64 sum by float32 rounding.
 */
export function gpuGradNormsKernel(programsOf: (backend: unknown) => GpuPrograms): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as GradNormsAttrs & NamedAttrMap;
    const gpu = programsOf(backend);
    const { g: gs } = readGroup(inputs, a.count, {}, 'g');
    if (gs.length === 0) {
      throw new SolverError('argument', `fused kernel ${GRAD_NORMS_KERNEL}: got count 0, expected at least one gradient`);
    }
    const first = reduceLevel(gpu, gs, { p: a.p, first: true, flat: a.global });
    if (!a.global) {
      const rows = first.map((part) => gpu.finish(part, a.p, false));
      first.forEach((t) => {
        gpu.dispose(t);
      });
      if (rows.length === 1) return rows[0] as TensorInfo;
      const joined = gpu.concat(rows);
      rows.forEach((t) => {
        gpu.dispose(t);
      });
      return joined;
    }
    const only = reduceToOne(gpu, first, a.p);
    const norm = gpu.finish(only, a.p, true);
    gpu.dispose(only);
    return norm;
  };
}

/**
 * The step-control kernel on a GPU backend: the global norm's partials (one program per
 * maxInputs gradients, then levels as needed), one program for `[scale, apply, norm, clipped]`,
 * and with `guard` one more for the new skipped-steps total. Outputs `[control]` or
 * `[control, total]`. Nothing waits on the device.
 */
export function gpuStepControlKernel(programsOf: (backend: unknown) => GpuPrograms): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as StepControlAttrs & NamedAttrMap;
    const gpu = programsOf(backend);
    const { g: gs } = readGroup(inputs, a.count, {}, 'g');
    const total = inputs.total;
    if (gs.length === 0 || (a.guard && total === undefined)) {
      throw new SolverError('argument', `fused kernel ${STEP_CONTROL_KERNEL}: expected at least one gradient and, with guard, input total`);
    }
    const folds = a.guard && total !== undefined && gpu.foldsTotal(gs.length);
    const first = reduceLevel(gpu, gs, { p: a.p, first: true, flat: true }, folds ? { tensor: total, at: a.totalAt } : undefined);
    const only = reduceToOne(gpu, first, a.p);
    const control = gpu.finishControl(only, a, folds ? total : undefined);
    gpu.dispose(only);
    return total === undefined || !a.guard || folds ? [control] : [control, gpu.addSkipped(total, control)];
  };
}
