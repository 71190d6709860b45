import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { checkGroup, groupInputs, sizeOf } from './groupInputs.js';
import type { KernelMemory } from './memory/KernelMemory.js';
import type { SgdArrays, SgdConstants } from './loops/SgdConstants.js';
import { runStaged, type SimdStaging } from './wasm/SimdStaging.js';
import { sgdLoop } from './loops/sgdLoop.js';
import type { SgdHyperparams } from '../updates/GroupUpdate.js';

/** Attributes of the fused SGD group kernel (the group's {@link SgdHyperparams} plus the count). */
export interface SgdGroupAttrs extends SgdHyperparams {
  readonly count: number;
}

/**
 * The fused SGD kernel: inputs `p_i, g_i` (and `b_i` when momentum ≠ 0), optional scalars
 * `gradScale` and `apply`; outputs the new params then the new buffers. One pass per tensor:
 * SIMD over whole vectors when the memory has it, plain loop for the rest.
 * `apply` = 0 returns the inputs unchanged (new references, bit-identical).
 *
 * @param memoryOf how this backend's tensors are read and written.
 */
export function sgdGroupKernel(memoryOf: (backend: unknown) => KernelMemory): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as SgdGroupAttrs & NamedAttrMap;
    const mem = memoryOf(backend);
    const withMomentum = a.momentum !== 0;
    const ps = groupInputs(inputs, 'p', a.count);
    const gs = groupInputs(inputs, 'g', a.count);
    const bs = withMomentum ? groupInputs(inputs, 'b', a.count) : [];
    checkGroup(ps, { g: gs, b: bs });
    const apply = inputs.apply === undefined ? 1 : mem.scalar(inputs.apply);
    const scale = inputs.gradScale === undefined ? 1 : mem.scalar(inputs.gradScale);
    if (apply === 0) {
      return [...ps, ...bs].map((t) => mem.alias(t));
    }
    const pOuts = ps.map((t) => mem.updated(t));
    const bOuts = bs.map((t) => mem.updated(t));
    const k: SgdConstants = { lr: a.lr, momentum: a.momentum, nesterov: a.nesterov, weightDecay: a.weightDecay, scale };
    ps.forEach((p, i) => {
      runOne(mem, k, [p, pOuts[i], gs[i], bs[i], bOuts[i]]);
    });
    return [...pOuts, ...bOuts];
  };
}

type Slots = [TensorInfo, TensorInfo | undefined, TensorInfo | undefined, TensorInfo | undefined, TensorInfo | undefined];

function runOne(mem: KernelMemory, k: SgdConstants, [p, pOut, g, b, bOut]: Slots): void {
  if (pOut === undefined || g === undefined) {
    return;
  }
  const n = sizeOf(p);
  if (mem.staging !== null) {
    const view = (t: TensorInfo | undefined): Float32Array | null => (t === undefined ? null : mem.view(t));
    runStagedSgd(mem.staging, k, { p: mem.view(p), g: mem.view(g), pOut: mem.view(pOut), b: view(b), bOut: view(bOut) }, n);
    return;
  }
  const whole = mem.simd === null ? 0 : n - (n % 4);
  const simd = mem.simd;
  if (simd !== null && whole > 0) {
    const at = mem.offset;
    if (b === undefined || bOut === undefined) {
      simd.sgd(at(p), at(pOut), at(g), whole * 4, k.lr, k.weightDecay, k.scale);
    } else {
      const fn = k.nesterov ? simd.sgdNesterov : simd.sgdMomentum;
      fn(at(p), at(pOut), at(g), at(b), at(bOut), whole * 4, k.lr, k.momentum, k.weightDecay, k.scale);
    }
  }
  if (whole < n) {
    const view = (t: TensorInfo | undefined): Float32Array | null => (t === undefined ? null : mem.view(t));
    const arrays = { p: mem.view(p), g: mem.view(g), pOut: mem.view(pOut), b: view(b), bOut: view(bOut) };
    sgdLoop(arrays, k, whole, n);
  }
}

/** SGD through the staging area: slots 0 = p, 1 = g, 2 = b (updated in their slots, copied back). */
function runStagedSgd(st: SimdStaging, k: SgdConstants, a: SgdArrays, n: number): void {
  const slot = (s: number): number => s * st.chunk * 4;
  const tail = (from: number, to: number): void => {
    sgdLoop(a, k, from, to);
  };
  if (a.b === null || a.bOut === null) {
    runStaged(st, [a.p, a.g], [[0, a.pOut]], n, (nBytes) => {
      st.simd.sgd(slot(0), slot(0), slot(1), nBytes, k.lr, k.weightDecay, k.scale);
    }, tail);
    return;
  }
  const fn = k.nesterov ? st.simd.sgdNesterov : st.simd.sgdMomentum;
  runStaged(st, [a.p, a.g, a.b], [[0, a.pOut], [2, a.bOut]], n, (nBytes) => {
    fn(slot(0), slot(0), slot(1), slot(2), slot(2), nBytes, k.lr, k.momentum, k.weightDecay, k.scale);
  }, tail);
}
