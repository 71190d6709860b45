import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { assignOutputs, type KernelMemory, namedGroups, readGroup, sizeOf } from './shared.js';
import {
  F32,
  f32Add,
  f32Const,
  f32x4Add,
  f32x4Splat,
  f32x4Mul,
  foldLanes,
  I32,
  load,
  localGet,
  localSet,
  simdExport,
  splatLocal,
  store,
  V128,
  vectorLoop,
  type WasmFunction,
  wasmFunction,
} from './wasm.js';
import { FUSED_KERNEL_BACKENDS, fusedKernelsReady } from './registry.js';

/** The name of the fused weight-average kernel in tfjs's kernel registry. */
export const EMA_KERNEL = 'TfjsSolverEma';

/** Attributes of the {@link EMA_KERNEL} kernel. */
interface EmaAttrs {
  /** Number of (average, variable) pairs: inputs `s0…`, `v0…`. */
  readonly count: number;
  /** Weight of the old average, in [0, 1). */
  readonly decay: number;
}

/** True when `values[from…]` are all finite (x · 0 is NaN exactly for NaN and ±Infinity). */
function allFinite(values: Float32Array, from: number): boolean {
  let probe = 0;
  for (let j = from; j < values.length; j++) probe += (values[j] as number) * 0;
  return probe === 0;
}

/**
 * `finiteProbe(ptr, nBytes) → f32`: the sum of `x · 0` over the floats, 0 when all are finite and
 * NaN otherwise (a multiply and an add per vector: cheaper than a max, which must order NaN and −0).
 */
export function finiteProbeFunction(): WasmFunction {
  return wasmFunction('finiteProbe', { ptr: I32, nBytes: I32 }, { counter: I32, acc: V128, zero: V128 }, [F32], (at) => {
    const body = [...localGet(at.acc), ...load(at.ptr, at.counter), ...localGet(at.zero), ...f32x4Mul, ...f32x4Add, ...localSet(at.acc)];
    return [...f32Const(0), ...f32x4Splat, ...localSet(at.zero), ...vectorLoop(at.counter, at.nBytes, body), ...foldLanes(at.acc, f32Add)];
  });
}

/** `ema(sIn, out, v, nBytes, keep, take)`: `out = keep · sIn + take · v`, four floats at a time. */
export function emaFunction(): WasmFunction {
  const params = { sIn: I32, out: I32, v: I32, nBytes: I32, keepIn: F32, takeIn: F32 };
  return wasmFunction('ema', params, { counter: I32, keep: V128, take: V128 }, [], (at) => {
    const moved = [
      ...localGet(at.keep),
      ...load(at.sIn, at.counter),
      ...f32x4Mul,
      ...localGet(at.take),
      ...load(at.v, at.counter),
      ...f32x4Mul,
      ...f32x4Add,
    ];
    const body = store(at.out, at.counter, moved);
    return [...splatLocal(at.keepIn, at.keep), ...splatLocal(at.takeIn, at.take), ...vectorLoop(at.counter, at.nBytes, body)];
  });
}

/**
 * The fused moving average for the `cpu` and `wasm` backends: for each pair, one pass checks the
 * variable is finite, one pass writes `decay · s + (1 − decay) · v` (SIMD over whole vectors on
 * wasm, a plain loop for the rest and on cpu); a variable with a non-finite element keeps its
 * average unchanged (a new reference to the same buffer). Writes follow the fused updates' rule:
 * in place on cpu when the average is its buffer's only owner (`WeightEma` gives each average a
 * buffer of its own), a fresh buffer on wasm.
 * The plain ops of `WeightEma` do the same on other backends, in about ten kernels per variable.
 */
export function emaKernel(memoryOf: (backend: unknown) => KernelMemory): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as EmaAttrs & NamedAttrMap;
    const mem = memoryOf(backend);
    const simd = mem.simd;
    const whole = (info: TensorInfo): number => (simd === null ? 0 : sizeOf(info) - (sizeOf(info) % 4));
    const { s: shadows, v: variables } = readGroup(inputs, a.count, { v: true }, 's');
    const moving: boolean[] = variables.map((v) => {
      const w = whole(v);
      if (simd !== null && w > 0 && simdExport(simd, 'finiteProbe')(mem.offset(v), w * 4) !== 0) return false;
      return allFinite(mem.view(v), w);
    });
    // Every output first: a view is valid only until the next allocation on the backend.
    const outputs: TensorInfo[] = shadows.map((s, i) => (moving[i] === true ? mem.updated(s) : mem.alias(s)));
    const keep: number = a.decay;
    const take: number = 1 - a.decay;
    shadows.forEach((s, i) => {
      const v = variables[i];
      const out = outputs[i];
      if (moving[i] !== true || v === undefined || out === undefined) return;
      const w = whole(s);
      if (simd !== null && w > 0) simdExport(simd, 'ema')(mem.offset(s), mem.offset(out), mem.offset(v), w * 4, keep, take);
      const sv = mem.view(s);
      const vv = mem.view(v);
      const ov = mem.view(out);
      for (let j = w; j < ov.length; j++) ov[j] = keep * (sv[j] as number) + take * (vv[j] as number);
    });
    return outputs;
  };
}

/**
 * Moves each average towards its variable with the fused kernel when the active backend has it
 * (cpu, wasm) and every tensor is float32; returns false (nothing done) otherwise, so the caller
 * runs its plain ops.
 */
export function fusedEmaStep(shadows: readonly tf.Variable[], variables: readonly tf.Variable[], decay: number): boolean {
  const backendName: string = tf.getBackend();
  if (!FUSED_KERNEL_BACKENDS.includes(backendName) || !fusedKernelsReady(backendName)) return false;
  if (![...shadows, ...variables].every((t) => t.dtype === 'float32')) return false;
  const inputs = namedGroups({ s: shadows, v: variables });
  assignOutputs(EMA_KERNEL, inputs, { count: shadows.length, decay }, shadows);
  return true;
}
