import type { DataId, TensorInfo } from '@tensorflow/tfjs';
import { SolverError } from '../../../errors/index.js';
import type { SimdStaging } from '../wasm/SimdStaging.js';
import type { KernelMemory } from './KernelMemory.js';
import { aliasInfo, type RefCounted } from './aliasInfo.js';

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
 * @param staging the SIMD staging area (null: plain JavaScript loops).
 *
 * @throws SolverError('backend') when the backend does not look like tfjs-backend-cpu 4.x.
 */
export function cpuKernelMemory(backend: unknown, staging: SimdStaging | null): KernelMemory {
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
    updated: (info) =>
      backend.refCount(info.dataId) === 1
        ? aliasInfo(backend, info)
        : backend.makeTensorInfo(info.shape, 'float32', new Float32Array(info.shape.reduce((a, b) => a * b, 1))),
    alias: (info) => aliasInfo(backend, info),
    create: (shape, dtype, data) => backend.makeTensorInfo(shape, dtype, data),
  };
}
