/**
 * Float64 references written from SPEC §5 (PyTorch's SGD, dampening 0) and PyTorch's Adam/AdamW
 * documentation, independent of the code under test. Each mutates its arrays in place.
 */
export interface SgdRef {
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  scale: number;
}

/** SPEC §5: g ← s·g + λp; b ← μb + g (b starts at 0, so b = g on step 1); g ← g + μb or b; p ← p − lr·g. */
export function sgdReference(p: Float64Array, g: ArrayLike<number>, b: Float64Array, h: SgdRef): void {
  for (let i = 0; i < p.length; i++) {
    let d = h.scale * (g[i] as number) + h.weightDecay * (p[i] as number);
    if (h.momentum !== 0) {
      b[i] = h.momentum * (b[i] as number) + d;
      d = h.nesterov ? d + h.momentum * (b[i] as number) : (b[i] as number);
    }
    p[i] = (p[i] as number) - h.lr * d;
  }
}

export interface AdamRef {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupled: boolean;
  scale: number;
}

/**
 * torch.optim.Adam / AdamW at step t (1-based): AdamW first p ← p(1 − lr·λ), Adam g ← g + λp;
 * m ← β1m + (1−β1)g; v ← β2v + (1−β2)g²; p ← p − lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε).
 */
export function adamReference(p: Float64Array, g: ArrayLike<number>, m: Float64Array, v: Float64Array, t: number, h: AdamRef): void {
  for (let i = 0; i < p.length; i++) {
    let gi = h.scale * (g[i] as number);
    if (h.decoupled) {
      p[i] = (p[i] as number) * (1 - h.lr * h.weightDecay);
    } else {
      gi += h.weightDecay * (p[i] as number);
    }
    m[i] = h.beta1 * (m[i] as number) + (1 - h.beta1) * gi;
    v[i] = h.beta2 * (v[i] as number) + (1 - h.beta2) * gi * gi;
    const denom = Math.sqrt(v[i] as number) / Math.sqrt(1 - h.beta2 ** t) + h.eps;
    p[i] = (p[i] as number) - (h.lr / (1 - h.beta1 ** t)) * ((m[i] as number) / denom);
  }
}
