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
 * replace the plain-ops updates (both must give the same numbers).
 *
 * @param backendName `tf.getBackend()` at the time of the step, e.g. `cpu`, `wasm`.
 * @returns today the plain-ops versions on every backend.
 */
export function selectGroupUpdates(backendName: string): GroupUpdates {
  return BY_BACKEND[backendName] ?? PLAIN_OPS;
}

const PLAIN_OPS: GroupUpdates = Object.freeze({ sgd: sgdGroupUpdateOps, adam: adamGroupUpdateOps });

/** Backends with their own implementations (fused kernels); none yet. */
const BY_BACKEND: Readonly<Partial<Record<string, GroupUpdates>>> = Object.freeze({});
