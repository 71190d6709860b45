import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { checkGroup, groupInputs, sizeOf } from './groupInputs.js';
import type { KernelMemory } from './memory/KernelMemory.js';
import type { AdamArrays, AdamConstants } from './loops/AdamConstants.js';
import { runStaged, type SimdStaging } from './wasm/SimdStaging.js';
import { adamLoop } from './loops/adamLoop.js';
import type { AdamHyperparams } from '../updates/GroupUpdate.js';

/** Attributes of the fused Adam group kernel (the group's {@link AdamHyperparams} plus the count). */
export interface AdamGroupAttrs extends AdamHyperparams {
  readonly count: number;
}

/**
 * The fused Adam/AdamW kernel: inputs `p_i, g_i, m_i, v_i`, the scalar `step`, optional scalars
 * `gradScale` and `apply`; outputs new params, new m, new v, then the new step (`step + 1`).
 * The step is read from memory, so the bias corrections are computed once per group in float64.
 * `apply` = 0 returns every input unchanged, the step included.
 *
 * @param memoryOf how this backend's tensors are read and written.
 */
export function adamGroupKernel(memoryOf: (backend: unknown) => KernelMemory): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as AdamGroupAttrs & NamedAttrMap;
    const mem = memoryOf(backend);
    const ps = groupInputs(inputs, 'p', a.count);
    const gs = groupInputs(inputs, 'g', a.count);
    const ms = groupInputs(inputs, 'm', a.count);
    const vs = groupInputs(inputs, 'v', a.count);
    const stepInfo = groupInputs(inputs, 'step', 1)[0] as TensorInfo;
    checkGroup(ps, { g: gs, m: ms, v: vs });
    const apply = inputs.apply === undefined ? 1 : mem.scalar(inputs.apply);
    const scale = inputs.gradScale === undefined ? 1 : mem.scalar(inputs.gradScale);
    if (apply === 0) {
      return [...ps, ...ms, ...vs, stepInfo].map((t) => mem.alias(t));
    }
    const t = mem.scalar(stepInfo) + 1;
    const k = adamConstants(a, t, scale);
    const outs = [ps, ms, vs].map((list) => list.map((x) => mem.updated(x)));
    const [pOuts, mOuts, vOuts] = outs as [TensorInfo[], TensorInfo[], TensorInfo[]];
    ps.forEach((p, i) => {
      const slot = [p, gs[i], ms[i], vs[i], pOuts[i], mOuts[i], vOuts[i]];
      if (slot.every((x) => x !== undefined)) {
        runOne(mem, k, slot);
      }
    });
    const stepOut = stepInfo.dtype === 'int32' ? Int32Array.of(t) : Float32Array.of(t);
    return [...pOuts, ...mOuts, ...vOuts, mem.create([], stepInfo.dtype === 'int32' ? 'int32' : 'float32', stepOut)];
  };
}

/** PyTorch's per-step constants for step number `t` (1-based). */
function adamConstants(a: AdamGroupAttrs, t: number, scale: number): AdamConstants {
  return {
    stepSize: a.lr / (1 - Math.pow(a.beta1, t)),
    invSqrtBc2: 1 / Math.sqrt(1 - Math.pow(a.beta2, t)),
    beta1: a.beta1,
    beta2: a.beta2,
    eps: a.eps,
    decayMul: a.decoupled ? 1 - a.lr * a.weightDecay : 1,
    coupledWd: a.decoupled ? 0 : a.weightDecay,
    scale,
  };
}

function runOne(mem: KernelMemory, k: AdamConstants, slot: TensorInfo[]): void {
  const [p, g, m, v, pOut, mOut, vOut] = slot as [TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo];
  const n = sizeOf(p);
  if (mem.staging !== null) {
    const view = mem.view;
    runStagedAdam(mem.staging, k, { p: view(p), g: view(g), m: view(m), v: view(v), pOut: view(pOut), mOut: view(mOut), vOut: view(vOut) }, n);
    return;
  }
  const simd = mem.simd;
  const whole = simd === null ? 0 : n - (n % 4);
  if (simd !== null && whole > 0) {
    const at = mem.offset;
    simd.adam(
      at(p), at(pOut), at(g), at(m), at(mOut), at(v), at(vOut), whole * 4,
      k.stepSize, k.beta1, 1 - k.beta1, k.beta2, 1 - k.beta2, k.eps, k.invSqrtBc2, k.decayMul, k.coupledWd, k.scale,
    );
  }
  if (whole < n) {
    const view = mem.view;
    adamLoop({ p: view(p), g: view(g), m: view(m), v: view(v), pOut: view(pOut), mOut: view(mOut), vOut: view(vOut) }, k, whole, n);
  }
}

/** Adam through the staging area: slots 0 = p, 1 = g, 2 = m, 3 = v (updated in place, copied back). */
function runStagedAdam(st: SimdStaging, k: AdamConstants, a: AdamArrays, n: number): void {
  const slot = (s: number): number => s * st.chunk * 4;
  const outputs: [number, Float32Array][] = [[0, a.pOut], [2, a.mOut], [3, a.vOut]];
  runStaged(st, [a.p, a.g, a.m, a.v], outputs, n, (nBytes) => {
    st.simd.adam(
      slot(0), slot(0), slot(1), slot(2), slot(2), slot(3), slot(3), nBytes,
      k.stepSize, k.beta1, 1 - k.beta1, k.beta2, 1 - k.beta2, k.eps, k.invSqrtBc2, k.decayMul, k.coupledWd, k.scale,
    );
  }, (from, to) => {
    adamLoop(a, k, from, to);
  });
}
