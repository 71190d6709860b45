import type { SgdArrays, SgdConstants } from './SgdConstants.js';

/**
 * SPEC §5 SGD over elements `[from, to)` of one tensor, in plain JavaScript:
 * `d = scale·g + λp; b ← μb + d; p ← p − lr·(nesterov ? d + μb : b)` (or `p ← p − lr·d` when μ = 0).
 * Used on the cpu backend and for the last < 4 elements of the wasm SIMD path. The three variants
 * are separate loops so that none tests a flag per element.
 */
export function sgdLoop(a: SgdArrays, k: SgdConstants, from: number, to: number): void {
  const { p, g, pOut } = a;
  const { lr, weightDecay: wd, scale, momentum: mu } = k;
  if (a.b === null || a.bOut === null || mu === 0) {
    for (let i = from; i < to; i++) {
      const pi = p[i] as number;
      pOut[i] = pi - lr * ((g[i] as number) * scale + wd * pi);
    }
    return;
  }
  const { b, bOut } = a;
  if (k.nesterov) {
    for (let i = from; i < to; i++) {
      const pi = p[i] as number;
      const d = (g[i] as number) * scale + wd * pi;
      const bi = mu * (b[i] as number) + d;
      bOut[i] = bi;
      pOut[i] = pi - lr * (d + mu * bi);
    }
    return;
  }
  for (let i = from; i < to; i++) {
    const pi = p[i] as number;
    const bi = mu * (b[i] as number) + (g[i] as number) * scale + wd * pi;
    bOut[i] = bi;
    pOut[i] = pi - lr * bi;
  }
}
