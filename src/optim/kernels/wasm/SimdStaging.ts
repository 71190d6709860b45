import type { SimdKernels } from './SimdKernels.js';
import { simdKernelsFor } from './simdKernelsFor.js';
import { webAssemblyApi } from './webAssemblyApi.js';

/**
 * A small private wasm memory where the SIMD kernels run on data that lives outside any wasm
 * heap (the cpu backend's typed arrays): chunks of each array are copied in, updated, copied out.
 * Copies of L2-sized chunks are cheap next to V8's scalar float loop, so this is ~3× faster than
 * the plain JavaScript loop on this project's machines (docs/performance.md).
 */
export interface SimdStaging {
  readonly simd: SimdKernels;
  /** The memory as floats: slot `s` is `f32[s·chunk, (s+1)·chunk)`. */
  readonly f32: Float32Array;
  /** Floats per slot, a multiple of 4. */
  readonly chunk: number;
}

/** Floats per slot (64 KiB); 4 slots (Adam's p, g, m, v) take 4 wasm pages. */
const CHUNK = 16384;
const SLOTS = 4;

/** Creates a staging area, or returns null when the engine has no wasm SIMD. */
export function createSimdStaging(): SimdStaging | null {
  const api = webAssemblyApi();
  if (api === null) return null;
  const MemoryCtor = api.Memory as unknown as new (d: { initial: number }) => { readonly buffer: ArrayBuffer };
  const memory = new MemoryCtor({ initial: (SLOTS * CHUNK * 4) / 65536 });
  const simd = simdKernelsFor()(memory);
  return simd === null ? null : { simd, f32: new Float32Array(memory.buffer), chunk: CHUNK };
}

/**
 * Runs a SIMD kernel over elements `[0, n)` chunk by chunk: copies `inputs[s]` into slot `s`, calls
 * `run(nBytes)` (which must use slot byte offsets `s · chunk · 4`), copies slot `s` of each
 * `[s, dest]` in `outputs` back into `dest`; the last < 4 elements go to `tail(from, to)`.
 */
export function runStaged(
  st: SimdStaging,
  inputs: readonly Float32Array[],
  outputs: readonly (readonly [number, Float32Array])[],
  n: number,
  run: (nBytes: number) => void,
  tail: (from: number, to: number) => void,
): void {
  const whole = n - (n % 4);
  for (let start = 0; start < whole; start += st.chunk) {
    const end = Math.min(whole, start + st.chunk);
    inputs.forEach((a, s) => {
      st.f32.set(a.subarray(start, end), s * st.chunk);
    });
    run((end - start) * 4);
    for (const [s, dest] of outputs) dest.set(st.f32.subarray(s * st.chunk, s * st.chunk + end - start), start);
  }
  if (whole < n) tail(whole, n);
}
