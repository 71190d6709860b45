/** A `WebAssembly.Memory`, as far as the kernels use it. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

/**
 * The slice of the global `WebAssembly` object the kernels use. Declared here because the
 * project compiles against ES2022 + Node types, which do not declare `WebAssembly`; the object
 * itself exists in every engine that runs the tfjs wasm backend.
 */
export interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: unknown };
  readonly Memory: abstract new (...args: never[]) => WasmMemory;
}

/** The engine's `WebAssembly` object, or null where there is none. */
export function webAssemblyApi(): WebAssemblyApi | null {
  return (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly ?? null;
}
