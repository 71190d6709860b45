import * as tf from '@tensorflow/tfjs';
import { SolverError } from 'tfjs-solver';
import { selectBackend } from 'tfjs-solver/node';

// Picks the fastest backend this machine has (tensorflow, then wasm, then cpu in Node), says which
// in one line, and shows what asking for a backend that is not installed gives.
// Run: npx tsx examples/selectBackend.ts

// Begin-example
const lines: string[] = [];
const logger = { info: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(m) };

const chosen = await selectBackend('auto', { logger });
// chosen.name: 'tensorflow' | 'wasm' | 'cpu'; tf.getBackend() says the same.
// lines[0]: "backend: wasm (skipped tfjs-node-gpu: not installed; tfjs-node: not installed)"

let refusal = '';
try {
  await selectBackend('tensorflow', { logger }); // without @tensorflow/tfjs-node(-gpu) installed
} catch (error: unknown) {
  if (!SolverError.is(error, 'backend')) throw error;
  refusal = error.message; // what was tried, what to install, what to use instead
}
// The backend chosen before is still active after a refusal.
// End-example

export const result = { chosen, lines, refusal, active: tf.getBackend() };

if (process.argv[1]?.endsWith('selectBackend.ts') === true) {
  console.log(lines.join('\n'));
  if (refusal !== '') console.log(refusal);
}
