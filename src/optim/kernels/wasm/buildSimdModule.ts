import { adamFunction } from './adamFunction.js';
import { maxAbsFunction, powerSumFunction } from './normFunctions.js';
import { sgdFunction, sgdMomentumFunction } from './sgdFunctions.js';
import { codeEntry, name, section, vec, type WasmFunction } from './wasmEncoding.js';

/** The functions of the SIMD kernel module, in export order. */
export function simdKernelFunctions(): WasmFunction[] {
  return [
    sgdFunction(), sgdMomentumFunction(false), sgdMomentumFunction(true), adamFunction(),
    powerSumFunction('sumAbs'), powerSumFunction('sumSquares'), powerSumFunction('sumCubes'), maxAbsFunction(),
  ];
}

/**
 * Assembles the SIMD kernel module. It imports its memory as `env.memory` (min 0 pages, no
 * maximum, so any non-shared memory fits): instantiated with the tfjs wasm backend's own memory,
 * its functions read and write tensors where the backend keeps them, by byte offset.
 */
export function buildSimdModule(): Uint8Array {
  const fns = simdKernelFunctions();
  const types = section(1, vec(fns.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))])));
  const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]]));
  const funcs = section(3, vec(fns.map((_, i) => [i])));
  const exports = section(7, vec(fns.map((f, i) => [...name(f.exportName), 0x00, i])));
  const code = section(10, vec(fns.map(codeEntry)));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...funcs, ...exports, ...code]);
}
