import { F32, I32, V128, type WasmFunction } from './wasmEncoding.js';
import { f32x4Add, f32x4Div, f32x4Mul, f32x4Sqrt, f32x4Sub, localGet, localSet } from './simdOps.js';
import { splat } from './sgdFunctions.js';
import { load, store, vectorLoop } from './vectorLoop.js';

/**
 * `adam(pIn, pOut, g, mIn, mOut, vIn, vOut, nBytes, stepSize, b1, c1, b2, c2, eps, invSqrtBc2, decayMul,
 * coupledWd, scale)`, PyTorch's Adam/AdamW with the bias corrections folded into two constants:
 * `d = scale·g + coupledWd·p; m ← b1·m + c1·d; v ← b2·v + c2·d²;
 *  p ← decayMul·p − stepSize·m / (√v·invSqrtBc2 + eps)`,
 * with `c1 = 1 − b1`, `c2 = 1 − b2`, `stepSize = lr / (1 − b1^t)`, `invSqrtBc2 = 1/√(1 − b2^t)`,
 * `decayMul = 1 − lr·λ` for AdamW (1 for Adam) and `coupledWd = λ` for Adam (0 for AdamW).
 */
export function adamFunction(): WasmFunction {
  const [pIn, pOut, g, mIn, mOut, vIn, vOut, n] = [0, 1, 2, 3, 4, 5, 6, 7];
  const firstConst = 8;
  const constCount = 10;
  const counter = firstConst + constCount;
  const c = (k: number): number => counter + 1 + k; // v128 copies of the 10 constants
  const stepSize = c(0);
  const b1 = c(1);
  const c1 = c(2);
  const b2 = c(3);
  const c2 = c(4);
  const eps = c(5);
  const invSqrtBc2 = c(6);
  const decayMul = c(7);
  const coupledWd = c(8);
  const scale = c(9);
  const p = c(10);
  const d = c(11);
  const m = c(12);
  const v = c(13);
  const splats = Array.from({ length: constCount }, (_, k) => splat(firstConst + k, c(k))).flat();
  const mul = (a: number, b: number): number[] => [...localGet(a), ...localGet(b), ...f32x4Mul];
  const body = [
    ...load(pIn, counter), ...localSet(p),
    ...load(g, counter), ...localGet(scale), ...f32x4Mul, ...mul(coupledWd, p), ...f32x4Add, ...localSet(d),
    ...store(mOut, counter, [...localGet(b1), ...load(mIn, counter), ...f32x4Mul, ...mul(c1, d), ...f32x4Add], m),
    ...store(vOut, counter, [
      ...localGet(b2), ...load(vIn, counter), ...f32x4Mul, ...mul(c2, d), ...localGet(d), ...f32x4Mul, ...f32x4Add,
    ], v),
    ...store(pOut, counter, [
      ...mul(decayMul, p),
      ...mul(stepSize, m),
      ...localGet(v), ...f32x4Sqrt, ...localGet(invSqrtBc2), ...f32x4Mul, ...localGet(eps), ...f32x4Add,
      ...f32x4Div, ...f32x4Sub,
    ]),
  ];
  return {
    exportName: 'adam',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, ...Array<number>(constCount).fill(F32)],
    results: [],
    locals: [I32, ...Array<number>(constCount + 4).fill(V128)],
    body: [...splats, ...vectorLoop(counter, n, body)],
  };
}
