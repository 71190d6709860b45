import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { type FusedKernel, updateRules } from '../rule.js';
import { GPU_KERNEL_BACKENDS, registerGpuKernels } from './gpu.js';
import { EMA_KERNEL, emaKernel } from './ema.js';
import { gradNormsKernel } from './gradNorms.js';
import { GRAD_NORMS_KERNEL, type KernelMemory } from './shared.js';
import { cpuKernelMemory, tfjsInternalsSupported, wasmKernelMemory } from './tfjsInternals.js';
import { createSimdStaging, simdKernelsFor } from './wasm.js';

/** The backends the fused kernels exist for: those whose tensors live in memory JavaScript can address. */
export const FUSED_KERNEL_BACKENDS: readonly string[] = ['cpu', 'wasm'];

/** Every fused kernel: each update rule's, the p-norm kernel, the weight average's. */
function allKernels(): FusedKernel[] {
  return [
    ...updateRules().flatMap((rule) => rule.kernels),
    { kernelName: GRAD_NORMS_KERNEL, make: gradNormsKernel },
    { kernelName: EMA_KERNEL, make: emaKernel },
  ];
}

function isRegistered(kernelName: string, backendName: string): boolean {
  return (tf.getKernel(kernelName, backendName) as KernelConfig | undefined) !== undefined;
}

/**
 * Registers the fused kernels of every update rule and the p-norm kernel for the `cpu` and
 * `wasm` backends in tfjs's kernel registry (`tf.registerKernel`), the supported way to add kernels.
 *
 * Why explicit: importing the library changes nothing; the optimizer and the clipper call
 * {@link fusedKernelsReady} on use, which calls this. Idempotent: a kernel already registered for
 * a backend is left as it is (tfjs would warn on a second registration). Registering for a backend
 * that is not loaded is harmless: the registry is keyed by name.
 *
 * @returns the number of kernels newly registered (0 when all were there).
 * @example
 * ```ts
 * import { fusedSgdGroupUpdate } from '../sgd.js';
 * registerFusedKernels();
 * await tf.setBackend('wasm');
 * ```
 */
export function registerFusedKernels(): number {
  const kernels = allKernels();
  if (FUSED_KERNEL_BACKENDS.every((b) => kernels.every((k) => isRegistered(k.kernelName, b)))) return 0;
  const simdFor = simdKernelsFor();
  const staging = createSimdStaging();
  const owned = new WeakSet(); // the cpu arrays the kernels made: only those are updated in place
  const memories: Record<string, (backend: unknown) => KernelMemory> = {
    cpu: (backend) => cpuKernelMemory(backend, staging, owned),
    wasm: (backend) => wasmKernelMemory(backend, simdFor),
  };
  let added = 0;
  for (const backendName of FUSED_KERNEL_BACKENDS) {
    const memoryOf = memories[backendName];
    for (const { kernelName, make } of kernels) {
      if (memoryOf !== undefined && !isRegistered(kernelName, backendName)) {
        tf.registerKernel({ kernelName, backendName, kernelFunc: make(memoryOf) });
        added += 1;
      }
    }
  }
  return added;
}

/**
 * Whether the fused kernels can run on `backendName`: it is `cpu`, `wasm`, `webgl` or `webgpu` (the
 * GPU kernels: registerGpuKernels) and the running tfjs
 * is the version the kernels' internals were written for. When they can, makes sure they are
 * registered (cheap once they are: a few map lookups), so no caller depends on another having
 * registered them first.
 *
 * @param backendName e.g. `tf.getBackend()`.
 * @returns true when the fused path may be used.
 */
export function fusedKernelsReady(backendName: string): boolean {
  const gpu = GPU_KERNEL_BACKENDS.includes(backendName);
  if (!(gpu || FUSED_KERNEL_BACKENDS.includes(backendName)) || !tfjsInternalsSupported()) return false;
  if (gpu) registerGpuKernels();
  else registerFusedKernels();
  return true;
}
