/** One way to get a backend running, as `selectBackend` tries them. */
export interface BackendCandidate {
  /** The tfjs backend name it activates. */
  readonly name: 'tensorflow' | 'wasm' | 'cpu';
  /** How logs and errors call it. */
  readonly label: string;
  /** The npm package that provides it (for "install …" messages and the dynamic import). */
  readonly packageName: string;
}

/** The candidates `auto` tries, best first (DESIGN.md "Backends"). */
export const AUTO_CANDIDATES: readonly BackendCandidate[] = Object.freeze([
  { name: 'tensorflow', label: 'tensorflow GPU (@tensorflow/tfjs-node-gpu)', packageName: '@tensorflow/tfjs-node-gpu' },
  { name: 'tensorflow', label: 'tensorflow CPU (@tensorflow/tfjs-node)', packageName: '@tensorflow/tfjs-node' },
  { name: 'wasm', label: 'wasm (@tensorflow/tfjs-backend-wasm)', packageName: '@tensorflow/tfjs-backend-wasm' },
  { name: 'cpu', label: 'cpu (@tensorflow/tfjs, pure JavaScript)', packageName: '@tensorflow/tfjs' },
]);
