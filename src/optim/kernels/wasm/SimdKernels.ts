/**
 * The exports of the SIMD kernel module (see `buildSimdModule`). Pointers are byte offsets into
 * the backend's wasm memory; `nBytes` is a multiple of 16 (whole 4-float vectors).
 */
export interface SimdKernels {
  readonly sgd: (pIn: number, pOut: number, g: number, nBytes: number, lr: number, wd: number, scale: number) => void;
  readonly sgdMomentum: (
    pIn: number, pOut: number, g: number, bIn: number, bOut: number, nBytes: number,
    lr: number, mu: number, wd: number, scale: number,
  ) => void;
  readonly sgdNesterov: (
    pIn: number, pOut: number, g: number, bIn: number, bOut: number, nBytes: number,
    lr: number, mu: number, wd: number, scale: number,
  ) => void;
  readonly adam: (
    pIn: number, pOut: number, g: number, mIn: number, mOut: number, vIn: number, vOut: number, nBytes: number,
    stepSize: number, b1: number, c1: number, b2: number, c2: number, eps: number, invSqrtBc2: number,
    decayMul: number, coupledWd: number, scale: number,
  ) => void;
  readonly sumAbs: (ptr: number, nBytes: number) => number;
  readonly sumSquares: (ptr: number, nBytes: number) => number;
  readonly sumCubes: (ptr: number, nBytes: number) => number;
  readonly maxAbs: (ptr: number, nBytes: number) => number;
}
