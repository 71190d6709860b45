/** What `selectBackend` activated, and why it passed over the others. */
export interface SelectedBackend {
  /** The active tfjs backend: `tensorflow` (tfjs-node or tfjs-node-gpu), `wasm` or `cpu`. */
  readonly name: 'tensorflow' | 'wasm' | 'cpu';
  /** A human label: `tensorflow (GPU, @tensorflow/tfjs-node-gpu)`, `wasm`, `cpu`, … */
  readonly label: string;
  /** One line per candidate tried before it: `<label>: <reason>`. Empty for a named backend. */
  readonly skipped: readonly string[];
}
