import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { checkGroup, groupInputs, sizeOf } from './groupInputs.js';
import type { KernelMemory } from './memory/KernelMemory.js';
import { powerSumLoop } from './loops/powerSumLoop.js';
import type { SimdKernels } from './wasm/SimdKernels.js';
import { runStaged, type SimdStaging } from './wasm/SimdStaging.js';

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
    const gs = groupInputs(inputs, 'g', a.count);
    checkGroup([], { g: gs });
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
  runStaged(st, [x], [], n, (nBytes) => {
    combine(fn(0, nBytes));
  }, (from, to) => {
    combine(powerSumLoop(x, p, from, to));
  });
  return acc;
}
