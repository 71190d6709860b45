import { F32, F64, I32, V128, type WasmFunction } from './wasmEncoding.js';
import {
  f32Max, f32x4Abs, f32x4ExtractLane, f32x4Max, f32x4Mul, f64Add, f64x2Add, f64x2ExtractLane, f64x2PromoteLow,
  localGet, localSet, shuffleHighToLow,
} from './simdOps.js';
import { load, vectorLoop } from './vectorLoop.js';

/** Which power of |x| a sum function adds up. */
export type PowerSumKind = 'sumAbs' | 'sumSquares' | 'sumCubes';

/** Instructions turning the loaded vector (on the stack) into |x|, x² or |x|³, using local `tmp`. */
function term(kind: PowerSumKind, tmp: number): number[] {
  switch (kind) {
    case 'sumAbs':
      return f32x4Abs;
    case 'sumSquares':
      return [...localSet(tmp), ...localGet(tmp), ...localGet(tmp), ...f32x4Mul];
    case 'sumCubes':
      return [...f32x4Abs, ...localSet(tmp), ...localGet(tmp), ...localGet(tmp), ...f32x4Mul, ...localGet(tmp), ...f32x4Mul];
  }
}

/**
 * `kind(ptr, nBytes) → f64`: Σ |x|^p for p = 1, 2, 3. Each float32 term is widened to float64
 * before it is added (two f64x2 accumulators), so the sum over 25M terms keeps ~1e-12 relative error.
 * Locals: 2 counter, 3-4 accumulators, 5 the float32 terms, 6 scratch.
 */
export function powerSumFunction(kind: PowerSumKind): WasmFunction {
  const [ptr, n, counter, acc0, acc1, x, tmp] = [0, 1, 2, 3, 4, 5, 6];
  const body = [
    ...load(ptr, counter), ...term(kind, tmp), ...localSet(x),
    ...localGet(acc0), ...localGet(x), ...f64x2PromoteLow, ...f64x2Add, ...localSet(acc0),
    ...localGet(acc1), ...localGet(x), ...localGet(x), ...shuffleHighToLow, ...f64x2PromoteLow, ...f64x2Add,
    ...localSet(acc1),
  ];
  const total = [
    ...localGet(acc0), ...f64x2ExtractLane(0), ...localGet(acc0), ...f64x2ExtractLane(1), ...f64Add,
    ...localGet(acc1), ...f64x2ExtractLane(0), ...f64Add, ...localGet(acc1), ...f64x2ExtractLane(1), ...f64Add,
  ];
  return {
    exportName: kind,
    params: [I32, I32],
    results: [F64],
    locals: [I32, V128, V128, V128, V128],
    body: [...vectorLoop(counter, n, body), ...total],
  };
}

/** `maxAbs(ptr, nBytes) → f32`: the largest |x| (NaN if any element is NaN, as wasm's max propagates it). */
export function maxAbsFunction(): WasmFunction {
  const [ptr, n, counter, acc] = [0, 1, 2, 3];
  const body = [...localGet(acc), ...load(ptr, counter), ...f32x4Abs, ...f32x4Max, ...localSet(acc)];
  const lanes = [0, 1, 2, 3].map((lane) => [...localGet(acc), ...f32x4ExtractLane(lane)]);
  const total = [...lanes[0] ?? [], ...lanes[1] ?? [], ...f32Max, ...lanes[2] ?? [], ...f32Max, ...lanes[3] ?? [], ...f32Max];
  return {
    exportName: 'maxAbs',
    params: [I32, I32],
    results: [F32],
    locals: [I32, V128],
    body: [...vectorLoop(counter, n, body), ...total],
  };
}
