/**
 * The numbers one Adam/AdamW kernel call needs, with PyTorch's bias corrections folded in:
 * `stepSize = lr / (1 − β1^t)`, `invSqrtBc2 = 1 / √(1 − β2^t)`, `decayMul = 1 − lr·λ` (AdamW, else 1),
 * `coupledWd = λ` (Adam, else 0), `scale` the clip coefficient.
 */
export interface AdamConstants {
  readonly stepSize: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly invSqrtBc2: number;
  readonly decayMul: number;
  readonly coupledWd: number;
  readonly scale: number;
}

/** Where one tensor's Adam update reads and writes (outputs may alias the inputs). */
export interface AdamArrays {
  readonly p: Float32Array;
  readonly g: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly pOut: Float32Array;
  readonly mOut: Float32Array;
  readonly vOut: Float32Array;
}
