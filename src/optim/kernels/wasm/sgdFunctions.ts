import { F32, I32, V128, type WasmFunction } from './wasmEncoding.js';
import { f32x4Add, f32x4Mul, f32x4Splat, f32x4Sub, localGet, localSet } from './simdOps.js';
import { load, store, vectorLoop } from './vectorLoop.js';

/** Splats f32 parameter `param` into v128 local `into`. */
export function splat(param: number, into: number): number[] {
  return [...localGet(param), ...f32x4Splat, ...localSet(into)];
}

/**
 * `sgd(pIn, pOut, g, nBytes, lr, wd, scale)`: `p ← p − lr·(scale·g + wd·p)` (momentum 0, SPEC §5).
 * Locals: 7 counter, 8 lr, 9 wd, 10 scale, 11 p, 12 d (the decayed, scaled gradient).
 */
export function sgdFunction(): WasmFunction {
  const [pIn, pOut, g, n, counter, lr, wd, scale, p, d] = [0, 1, 2, 3, 7, 8, 9, 10, 11, 12];
  const body = [
    ...load(pIn, counter), ...localSet(p),
    ...load(g, counter), ...localGet(scale), ...f32x4Mul, ...localGet(wd), ...localGet(p), ...f32x4Mul, ...f32x4Add,
    ...localSet(d),
    ...store(pOut, counter, [...localGet(p), ...localGet(lr), ...localGet(d), ...f32x4Mul, ...f32x4Sub]),
  ];
  return {
    exportName: 'sgd',
    params: [I32, I32, I32, I32, F32, F32, F32],
    results: [],
    locals: [I32, V128, V128, V128, V128, V128],
    body: [...splat(4, lr), ...splat(5, wd), ...splat(6, scale), ...vectorLoop(counter, n, body)],
  };
}

/**
 * `sgdMomentum(pIn, pOut, g, bIn, bOut, nBytes, lr, mu, wd, scale)` (SPEC §5, dampening 0):
 * `d = scale·g + wd·p; b ← mu·b + d; p ← p − lr·(nesterov ? d + mu·b : b)`.
 * Locals: 10 counter, 11 lr, 12 mu, 13 wd, 14 scale, 15 p, 16 d, 17 b.
 */
export function sgdMomentumFunction(nesterov: boolean): WasmFunction {
  const [pIn, pOut, g, bIn, bOut, n] = [0, 1, 2, 3, 4, 5];
  const [counter, lr, mu, wd, scale, p, d, b] = [10, 11, 12, 13, 14, 15, 16, 17];
  const direction = nesterov
    ? [...localGet(d), ...localGet(mu), ...localGet(b), ...f32x4Mul, ...f32x4Add]
    : localGet(b);
  const body = [
    ...load(pIn, counter), ...localSet(p),
    ...load(g, counter), ...localGet(scale), ...f32x4Mul, ...localGet(wd), ...localGet(p), ...f32x4Mul, ...f32x4Add,
    ...localSet(d),
    ...store(bOut, counter, [...localGet(mu), ...load(bIn, counter), ...f32x4Mul, ...localGet(d), ...f32x4Add], b),
    ...store(pOut, counter, [...localGet(p), ...localGet(lr), ...direction, ...f32x4Mul, ...f32x4Sub]),
  ];
  return {
    exportName: nesterov ? 'sgdNesterov' : 'sgdMomentum',
    params: [I32, I32, I32, I32, I32, I32, F32, F32, F32, F32],
    results: [],
    locals: [I32, V128, V128, V128, V128, V128, V128, V128],
    body: [...splat(6, lr), ...splat(7, mu), ...splat(8, wd), ...splat(9, scale), ...vectorLoop(counter, n, body)],
  };
}
