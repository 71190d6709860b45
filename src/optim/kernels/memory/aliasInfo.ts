import type { DataId, TensorInfo } from '@tensorflow/tfjs';

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
