import type { Logger } from '../io/Logger.js';

/** Options of `selectBackend`. */
export interface SelectBackendOptions {
  /** Receives one line saying which backend was chosen and why others were skipped. Default: silent. */
  readonly logger?: Logger;
  /**
   * Loads an optional package by name. Default: the runtime's dynamic `import()`. Tests replace it
   * to simulate installed-but-broken native backends.
   */
  readonly importModule?: (specifier: string) => Promise<unknown>;
  /**
   * Where the wasm backend finds its `.wasm` files (a directory URL or path ending in `/`), passed to
   * `setWasmPaths`. Default in Node: the installed package's `dist/` directory (offline); in a browser:
   * tfjs's own default (next to the bundle), unless given.
   */
  readonly wasmPaths?: string;
}
