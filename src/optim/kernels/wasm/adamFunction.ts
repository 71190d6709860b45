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
  const splats = Array.from({ length: CONST_COUNT }, (_, k) => splat(FIRST_CONST + k, constLocal(k))).flat();
  return {
    exportName: 'adam',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, ...Array<number>(CONST_COUNT).fill(F32)],
    results: [],
    locals: [I32, ...Array<number>(CONST_COUNT + 4).fill(V128)],
    body: [...splats, ...vectorLoop(COUNTER, 7, adamBody())],
  };
}

/** Parameters 0-7 are pointers and the byte count; 8-17 the float constants. */
const FIRST_CONST = 8;
const CONST_COUNT = 10;
/** Local 18 is the byte counter; 19-28 hold the splatted constants, 29-32 p, d, m, v. */
const COUNTER = FIRST_CONST + CONST_COUNT;
const constLocal = (k: number): number => COUNTER + 1 + k;

/** One vector of the update (see {@link adamFunction}). */
function adamBody(): number[] {
  const [pIn, pOut, g, mIn, mOut, vIn, vOut] = [0, 1, 2, 3, 4, 5, 6];
  const counter = COUNTER;
  const c = constLocal;
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
  const mul = (a: number, b: number): number[] => [...localGet(a), ...localGet(b), ...f32x4Mul];
  return [
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
}
