import { fusedAdamGroupUpdate } from '../kernels/fusedAdamGroupUpdate.js';
import { fusedSgdGroupUpdate } from '../kernels/fusedSgdGroupUpdate.js';
import { FUSED_KERNEL_BACKENDS, registerFusedKernels } from '../kernels/registerFusedKernels.js';
import { adamGroupUpdateOps } from './adamGroupUpdateOps.js';
import type { AdamGroupUpdate, SgdGroupUpdate } from './GroupUpdate.js';
import { sgdGroupUpdateOps } from './sgdGroupUpdateOps.js';

/** The SGD and Adam update implementations the optimizer uses on one backend. */
export interface GroupUpdates {
  readonly sgd: SgdGroupUpdate;
  readonly adam: AdamGroupUpdate;
}

/**
 * Picks the group-update implementations for a backend: the one place where fused kernels
 * replace the plain-ops updates (both give the same numbers within float32 rounding; see
 * test/optim/kernels/fusedVsOps.spec.ts).
 *
 * Why per backend: the fused kernels read and write tensor memory directly, which only the `cpu`
 * (JavaScript typed arrays) and `wasm` (the wasm heap) backends allow; `tensorflow`, `webgl`,
 * `webgpu` keep the plain ops. On cpu and wasm it registers the fused kernels first (idempotent,
 * a few map lookups), so nothing is registered merely by importing the library.
 *
 * @param backendName `tf.getBackend()` at the time of the step, e.g. `cpu`, `wasm`.
 * @returns the fused updates on `cpu` and `wasm`, the plain-ops updates elsewhere.
 * @example
 * ```ts
 * const { sgd } = selectGroupUpdates(tf.getBackend());
 * ```
 */
export function selectGroupUpdates(backendName: string): GroupUpdates {
  if (FUSED_KERNEL_BACKENDS.includes(backendName)) {
    registerFusedKernels();
    return FUSED;
  }
  return PLAIN_OPS;
}

const PLAIN_OPS: GroupUpdates = Object.freeze({ sgd: sgdGroupUpdateOps, adam: adamGroupUpdateOps });

const FUSED: GroupUpdates = Object.freeze({ sgd: fusedSgdGroupUpdate, adam: fusedAdamGroupUpdate });
