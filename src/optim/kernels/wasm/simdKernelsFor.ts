import { buildSimdModule } from './buildSimdModule.js';
import type { SimdKernels } from './SimdKernels.js';
import { webAssemblyApi, type WasmMemory } from './webAssemblyApi.js';

export type { WasmMemory } from './webAssemblyApi.js';

/**
 * Returns a function that gives the SIMD kernels bound to a given wasm memory, instantiating the
 * module once per memory (a new wasm backend has a new memory). The cache lives in the returned
 * closure, which the kernel registration holds; there is no module-level state. The function
 * returns null when this engine has no wasm SIMD, so callers fall back to plain loops.
 */
export function simdKernelsFor(): (memory: WasmMemory) => SimdKernels | null {
  const api = webAssemblyApi();
  const bytes = buildSimdModule();
  const compiled = api !== null && api.validate(bytes) ? new api.Module(bytes) : null;
  const instances = new WeakMap<WasmMemory, SimdKernels>();
  return (memory) => {
    if (api === null || compiled === null) {
      return null;
    }
    let kernels = instances.get(memory);
    if (kernels === undefined) {
      kernels = new api.Instance(compiled, { env: { memory } }).exports as SimdKernels;
      instances.set(memory, kernels);
    }
    return kernels;
  };
}

/** True when `value` is a `WebAssembly.Memory`. */
export function isWasmMemory(value: unknown): value is WasmMemory {
  const api = webAssemblyApi();
  return api !== null && value instanceof api.Memory;
}
