/**
 * A backend the user may ask for: `auto` picks the best one installed
 * (tensorflow GPU, tensorflow CPU, wasm, cpu, in that order).
 */
export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** Every accepted {@link BackendName}, in the order the CLI lists them. */
export const BACKEND_NAMES: readonly BackendName[] = Object.freeze(['auto', 'tensorflow', 'wasm', 'cpu']);
