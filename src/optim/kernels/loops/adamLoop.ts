import type { AdamArrays, AdamConstants } from './AdamConstants.js';

/**
 * PyTorch's Adam/AdamW over elements `[from, to)` of one tensor, in plain JavaScript:
 * `d = scale·g + coupledWd·p; m ← β1m + (1−β1)d; v ← β2v + (1−β2)d²;
 *  p ← decayMul·p − stepSize·m / (√v·invSqrtBc2 + eps)` (see {@link AdamConstants}).
 */
export function adamLoop(a: AdamArrays, k: AdamConstants, from: number, to: number): void {
  const { p, g, m, v, pOut, mOut, vOut } = a;
  const { stepSize, beta1, beta2, eps, invSqrtBc2, decayMul, coupledWd, scale } = k;
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  for (let i = from; i < to; i++) {
    const pi = p[i] as number;
    const d = (g[i] as number) * scale + coupledWd * pi;
    const mi = beta1 * (m[i] as number) + c1 * d;
    const vi = beta2 * (v[i] as number) + c2 * d * d;
    mOut[i] = mi;
    vOut[i] = vi;
    pOut[i] = decayMul * pi - (stepSize * mi) / (Math.sqrt(vi) * invSqrtBc2 + eps);
  }
}
