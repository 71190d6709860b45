import * as tf from '@tensorflow/tfjs';
import type { DataId, TensorInfo } from '@tensorflow/tfjs';
import { SolverError } from '../../errors.js';
import type { KernelMemory } from './shared.js';
import { isWasmMemory, type SimdKernels, type SimdStaging, type WasmMemory } from './wasm.js';

/**
 * The private tfjs internals of the cpu and wasm kernels and the engine are in this file (the GPU
 * backends' program recording state, used to run one program with several outputs, is declared
 * and checked in gpuMultiRun.ts): the cpu backend's data store
 * (`backend.data.get(dataId).values`), the wasm backend's heap (`wasm.HEAPU8`, `wasm.asm.memory`),
 * its `dataIdMap` (byte offsets), `makeOutput`, the backends' `incRef`/`refCount`, and the engine's
 * gradient tape (releaseAbandonedTape). They were
 * read from tfjs 4.22; another version may move them, so the fused kernels run only on the
 * version below and every other version takes the plain-ops path (with one warning).
 */
export const TFJS_INTERNALS_VERSION = '4.22.';

/**
 * Where the running tfjs versions are read (`tf.version`: tfjs-core and tfjs-backend-cpu).
 * A seam for tests, which replace `read` to fake another version.
 */
export const tfjsVersions: { read: () => Readonly<Record<string, string>> } = {
  read: () => {
    const all = tf.version as Readonly<Record<string, string | undefined>>;
    return { 'tfjs-core': tf.version_core, 'tfjs-backend-cpu': all['tfjs-backend-cpu'] ?? tf.version_core };
  },
};

let warned = false;

/**
 * True when the running tfjs is the version the internals above were written for (4.22.x).
 * Otherwise logs one warning (once per process) and returns false: the caller then runs the
 * plain-ops path, which uses only public tfjs API.
 */
export function tfjsInternalsSupported(): boolean {
  const other = Object.entries(tfjsVersions.read()).filter(([, v]) => !v.startsWith(TFJS_INTERNALS_VERSION));
  if (other.length === 0) return true;
  if (!warned) {
    warned = true;
    console.warn(
      `tfjs-solver: fused optimizer kernels are written for tfjs ${TFJS_INTERNALS_VERSION}x, found ` +
        `${other.map(([k, v]) => `${k} ${v}`).join(', ')}; using the plain-ops updates (slower, same results)`,
    );
  }
  return false;
}

/** The reference counting every tfjs backend implements (`KernelBackend.incRef`/`refCount`). */
export interface RefCounted {
  incRef(dataId: DataId): void;
  refCount(dataId: DataId): number;
}

/** One more reference to the same buffer, the way tfjs's own Identity/Reshape kernels return one. */
export function aliasInfo(backend: RefCounted, info: TensorInfo): TensorInfo {
  backend.incRef(info.dataId);
  return { dataId: info.dataId, shape: info.shape, dtype: info.dtype };
}

/** The parts of tfjs-backend-cpu's `MathBackendCPU` used here (its `data` store of typed arrays). */
interface CpuBackendShape extends RefCounted {
  readonly data: { get(dataId: DataId): { values?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array | Int32Array): TensorInfo;
}

function isCpuBackend(backend: unknown): backend is CpuBackendShape {
  const b = backend as Partial<CpuBackendShape>;
  return typeof b.data?.get === 'function' && typeof b.makeTensorInfo === 'function' && typeof b.incRef === 'function';
}

/**
 * {@link KernelMemory} for the `cpu` backend: a tensor's values are the typed array the backend
 * stores for its data id (`backend.data.get(dataId).values`), read and written directly, or
 * through `staging` (copies of chunks) by the SIMD kernels.
 *
 * In place only into arrays the kernels made: the cpu backend adopts a typed array given to
 * `tf.tensor` without copying it, so a variable's first buffer may be the caller's own array. The
 * first update of such a buffer writes a new array (recorded in `owned`); later ones write in place.
 *
 * @param staging the SIMD staging area (null: plain JavaScript loops).
 * @param owned the arrays the kernels made (kept by the caller across kernel calls).
 *
 * @throws SolverError('backend') when the backend does not look like tfjs-backend-cpu 4.x.
 */
export function cpuKernelMemory(backend: unknown, staging: SimdStaging | null, owned: WeakSet<object>): KernelMemory {
  if (!isCpuBackend(backend)) {
    throw new SolverError('backend', 'fused kernels: the cpu backend has no data store of typed arrays (expected tfjs-backend-cpu 4.22)');
  }
  const values = (info: TensorInfo): ArrayLike<number> => {
    const v = backend.data.get(info.dataId)?.values;
    if (!ArrayBuffer.isView(v)) {
      throw new SolverError('backend', `fused kernels: tensor of shape [${info.shape.join(',')}] has no typed array on the cpu backend`);
    }
    return v as unknown as ArrayLike<number>;
  };
  return {
    simd: null,
    staging,
    view: (info) => {
      const v = values(info);
      if (!(v instanceof Float32Array)) {
        throw new SolverError('backend', `fused kernels: expected float32 data, got dtype ${info.dtype}`);
      }
      return v;
    },
    offset: () => 0,
    scalar: (info) => values(info)[0] ?? NaN,
    updated: (info) => {
      if (backend.refCount(info.dataId) === 1 && owned.has(values(info))) return aliasInfo(backend, info);
      const fresh = new Float32Array(info.shape.reduce((a, b) => a * b, 1));
      owned.add(fresh);
      return backend.makeTensorInfo(info.shape, 'float32', fresh);
    },
    alias: (info) => aliasInfo(backend, info),
    create: (shape, dtype, data) => {
      owned.add(data);
      return backend.makeTensorInfo(shape, dtype, data);
    },
  };
}

/**
 * The parts of tfjs-backend-wasm 4.22's `BackendWasm` used here: `dataIdMap` (data id → byte
 * offset `memoryOffset` in the wasm heap), `makeOutput` (allocates on the heap), and the
 * Emscripten module `wasm`, whose `HEAPU8.buffer` is the heap and `asm.memory` its
 * `WebAssembly.Memory` (the one our SIMD module imports).
 */
interface WasmBackendShape extends RefCounted {
  readonly dataIdMap: { get(dataId: DataId): { memoryOffset: number } | undefined };
  readonly wasm: { readonly HEAPU8: Uint8Array; readonly asm?: { readonly memory?: unknown } };
  makeOutput(shape: number[], dtype: string, memoryOffset?: number, values?: Float32Array | Int32Array): TensorInfo;
}

function isWasmBackend(backend: unknown): backend is WasmBackendShape {
  const b = backend as Partial<WasmBackendShape>;
  return (
    typeof b.dataIdMap?.get === 'function' &&
    typeof b.makeOutput === 'function' &&
    typeof b.incRef === 'function' &&
    b.wasm?.HEAPU8 !== undefined
  );
}

/**
 * {@link KernelMemory} for the `wasm` backend: views on the wasm heap at each tensor's
 * `memoryOffset`, and the SIMD kernels instantiated on the same `WebAssembly.Memory`.
 *
 * @param simdFor gives the SIMD kernels for a memory (cached by the caller), or null without SIMD.
 * @throws SolverError('backend') when the backend does not look like tfjs-backend-wasm 4.22.
 */
export function wasmKernelMemory(backend: unknown, simdFor: (memory: WasmMemory) => SimdKernels | null): KernelMemory {
  if (!isWasmBackend(backend)) {
    throw new SolverError('backend', 'fused kernels: the wasm backend exposes no heap offsets (expected tfjs-backend-wasm 4.22)');
  }
  const memory = backend.wasm.asm?.memory;
  const offset = (info: TensorInfo): number => {
    const data = backend.dataIdMap.get(info.dataId);
    if (data === undefined) {
      throw new SolverError('backend', `fused kernels: tensor of shape [${info.shape.join(',')}] is not on the wasm backend`);
    }
    return data.memoryOffset;
  };
  const size = (info: TensorInfo): number => info.shape.reduce((a, b) => a * b, 1);
  return {
    simd: isWasmMemory(memory) ? simdFor(memory) : null,
    staging: null,
    view: (info) => new Float32Array(backend.wasm.HEAPU8.buffer, offset(info), size(info)),
    offset,
    scalar: (info) => {
      const buffer = backend.wasm.HEAPU8.buffer;
      const at = offset(info);
      if (info.dtype === 'int32') return new Int32Array(buffer, at, 1)[0] ?? NaN;
      if (info.dtype === 'bool') return new Uint8Array(buffer, at, 1)[0] ?? NaN;
      return new Float32Array(buffer, at, 1)[0] ?? NaN;
    },
    // NOTE: never in place on wasm. The backend's C++ kernels assume a buffer never changes once
    // written: its XNNPACK matmul operators pack a weight matrix once and cache it by tensor id,
    // so overwriting a variable's buffer leaves later forward passes using the stale packed copy
    // (seen: training stalls from the third step). A fresh buffer per step is always correct.
    updated: (info) => backend.makeOutput(info.shape, 'float32'),
    alias: (info) => aliasInfo(backend, info),
    create: (shape, dtype, data) => backend.makeOutput(shape, dtype, undefined, data),
  };
}

/**
 * The first element of a tensor on the `cpu` or `wasm` backend, read from the memory where the
 * backend keeps it. Not a device sync: on these backends every op has run when it returns.
 *
 * @returns the value, or null on any other backend (or another tfjs version): the caller then
 *   must not rely on knowing it.
 */
export function scalarInMemory(t: tf.Tensor): number | null {
  const backend: unknown = tf.backend();
  if (!tfjsInternalsSupported()) return null;
  if (isCpuBackend(backend)) {
    const values = backend.data.get(t.dataId)?.values;
    return ArrayBuffer.isView(values) ? ((values as unknown as ArrayLike<number>)[0] ?? null) : null;
  }
  if (isWasmBackend(backend)) {
    const at = backend.dataIdMap.get(t.dataId)?.memoryOffset;
    if (at === undefined) return null;
    const buffer = backend.wasm.HEAPU8.buffer;
    if (t.dtype === 'int32') return new Int32Array(buffer, at, 1)[0] ?? null;
    if (t.dtype === 'bool') return new Uint8Array(buffer, at, 1)[0] ?? null;
    return new Float32Array(buffer, at, 1)[0] ?? null;
  }
  return null;
}

/**
 * Frees what a failed gradient computation left on tfjs's tape. When backprop throws (e.g. a
 * backend without a gradient kernel), tfjs keeps the tensors the forward pass saved for it and the
 * tape that holds them; only a successful backprop releases them. Call after a step failed, outside
 * any gradient computation. Reads the engine's private `state.gradientDepth` and `activeTape`
 * (checked at run time: nothing is done when they are not as expected).
 */
export function releaseAbandonedTape(): void {
  // tfjs types activeTape as always set; it is null outside a gradient computation.
  const state = tf.engine().state as { gradientDepth: number; activeTape: { saved?: tf.Tensor[] }[] | null | undefined };
  if (state.gradientDepth !== 0 || !Array.isArray(state.activeTape)) return;
  for (const node of state.activeTape) tf.dispose(node.saved ?? []);
  state.activeTape = null;
}
