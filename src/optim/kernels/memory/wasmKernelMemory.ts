import type { DataId, TensorInfo } from '@tensorflow/tfjs';
import { SolverError } from '../../../errors/index.js';
import type { SimdKernels } from '../wasm/SimdKernels.js';
import { isWasmMemory, type WasmMemory } from '../wasm/simdKernelsFor.js';
import type { KernelMemory } from './KernelMemory.js';
import { aliasInfo, type RefCounted } from './aliasInfo.js';

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
  return typeof b.dataIdMap?.get === 'function' && typeof b.makeOutput === 'function' && typeof b.incRef === 'function' && b.wasm?.HEAPU8 !== undefined;
}

/**
 * {@link KernelMemory} for the `wasm` backend: views on the wasm heap at each tensor's
 * `memoryOffset`, and the SIMD kernels instantiated on the same `WebAssembly.Memory`.
 *
 * @param simdFor gives the SIMD kernels for a memory (cached by the caller), or null without SIMD.
 * @throws SolverError('backend') when the backend does not look like tfjs-backend-wasm 4.22.
 */
export function wasmKernelMemory(
  backend: unknown,
  simdFor: (memory: WasmMemory) => SimdKernels | null,
): KernelMemory {
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
