import type { TensorInfo } from '@tensorflow/tfjs';
import type { SimdKernels } from '../wasm/SimdKernels.js';
import type { SimdStaging } from '../wasm/SimdStaging.js';

/**
 * What a fused kernel needs from a backend that keeps tensors in CPU-addressable memory
 * (the `cpu` backend's typed arrays, the `wasm` backend's heap), so one kernel body serves both.
 *
 * Reading here is not a device sync: on these backends every op has already run when it returns,
 * and the values sit in memory this thread owns. Nothing goes through `dataSync`/`readSync`.
 */
export interface KernelMemory {
  /** The SIMD kernels bound to this memory, or null (cpu backend, or no wasm SIMD). */
  readonly simd: SimdKernels | null;
  /** For memory the SIMD kernels cannot address (cpu): a staging area to run them on copies, or null. */
  readonly staging: SimdStaging | null;
  /** A float32 view of a tensor's elements. Valid until the next allocation on this backend. */
  readonly view: (info: TensorInfo) => Float32Array;
  /** The byte offset of a tensor in the SIMD memory (only when `simd` is not null). */
  readonly offset: (info: TensorInfo) => number;
  /** The first element of a tensor (a scalar control value), whatever its dtype. */
  readonly scalar: (info: TensorInfo) => number;
  /**
   * Where the new value of `info` goes. On cpu, when the backend holds a single reference to the
   * buffer (only the variable itself), the kernel overwrites it: the returned info aliases it (one
   * more reference, as tfjs's Identity kernel does); otherwise a fresh buffer. On wasm always a
   * fresh buffer: its XNNPACK operators cache packed weights by tensor id (see wasmKernelMemory).
   */
  readonly updated: (info: TensorInfo) => TensorInfo;
  /** A new reference to `info`'s unchanged buffer (a skipped step). */
  readonly alias: (info: TensorInfo) => TensorInfo;
  /** A new tensor holding `values`. */
  readonly create: (shape: number[], dtype: 'float32' | 'int32', values: Float32Array | Int32Array) => TensorInfo;
}
