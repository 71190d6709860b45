import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { adamGroupKernel } from '../adam.js';
import { sgdGroupKernel } from '../sgd.js';
import { gradNormsKernel } from './gradNorms.js';
import { cpuKernelMemory, wasmKernelMemory } from './memory.js';
import { ADAM_GROUP_KERNEL, GRAD_NORMS_KERNEL, type KernelMemory, SGD_GROUP_KERNEL } from './shared.js';
import { createSimdStaging, simdKernelsFor } from './wasm.js';

/** The backends the fused kernels exist for: those whose tensors live in memory JavaScript can address. */
export const FUSED_KERNEL_BACKENDS: readonly string[] = ['cpu', 'wasm'];

/**
 * Registers the fused SGD, Adam and p-norm kernels for the `cpu` and `wasm` backends in tfjs's
 * kernel registry (`tf.registerKernel`), the supported way to add kernels.
 *
 * Why explicit: importing the library changes nothing; the optimizer's update selector calls this
 * when it picks the fused path. Idempotent: a kernel already registered for a backend is left as it
 * is (tfjs would warn on a second registration). Registering for a backend that is not loaded is
 * harmless: the registry is keyed by name. Cheap when everything is registered (six map lookups),
 * so callers may call it before every step.
 *
 * @returns the number of kernels newly registered (0 when all were there).
 * @example
 * ```ts
 * import { fusedSgdGroupUpdate } from '../sgd.js';
 * registerFusedKernels();
 * await tf.setBackend('wasm');
 * fusedSgdGroupUpdate(group, hyper, control);
 * ```
 */
export function registerFusedKernels(): number {
  const names = [SGD_GROUP_KERNEL, ADAM_GROUP_KERNEL, GRAD_NORMS_KERNEL];
  const registered = (kernelName: string, backendName: string): boolean =>
    (tf.getKernel(kernelName, backendName) as KernelConfig | undefined) !== undefined;
  if (FUSED_KERNEL_BACKENDS.every((b) => names.every((k) => registered(k, b)))) {
    return 0;
  }
  const simdFor = simdKernelsFor();
  const staging = createSimdStaging();
  const memories: Record<string, (backend: unknown) => KernelMemory> = {
    cpu: (backend) => cpuKernelMemory(backend, staging),
    wasm: (backend) => wasmKernelMemory(backend, simdFor),
  };
  const kernels: [string, (memoryOf: (backend: unknown) => KernelMemory) => KernelFunc][] = [
    [SGD_GROUP_KERNEL, sgdGroupKernel],
    [ADAM_GROUP_KERNEL, adamGroupKernel],
    [GRAD_NORMS_KERNEL, gradNormsKernel],
  ];
  let added = 0;
  for (const backendName of FUSED_KERNEL_BACKENDS) {
    const memoryOf = memories[backendName];
    for (const [kernelName, make] of kernels) {
      if (memoryOf !== undefined && !registered(kernelName, backendName)) {
        tf.registerKernel({ kernelName, backendName, kernelFunc: make(memoryOf) });
        added += 1;
      }
    }
  }
  return added;
}

// Public API of src/optim/kernels: fused optimizer kernels for the cpu and wasm backends.
// (src/optim/index.ts decides what of this the package exports.)
