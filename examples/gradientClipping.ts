import * as tf from '@tensorflow/tfjs';
import { buildGradientClipper, SolverOptimizer } from 'tfjs-solver';

// Gradient clipping as detectron2's CLIP_GRADIENTS, and the non-finite guard of the optimizer.
// Run: npx tsx examples/gradientClipping.ts

// Begin-example
// Per-parameter norm clipping (CLIP_TYPE norm): a = [3, 4] has ‖a‖₂ = 5 > 1, so it is scaled by
// 1 / (5 + 1e-6); b = [0.3, 0.4] has norm 0.5 ≤ 1 and stays as it is.
const perParameter = buildGradientClipper({ clipType: 'norm', clipValue: 1, normType: 2 });
const clipped = tf.tidy(() => {
  const { a, b } = perParameter.clip({ a: tf.tensor1d([3, 4]), b: tf.tensor1d([0.3, 0.4]) }).grads;
  return { a: Array.from(a?.dataSync() ?? []), b: Array.from(b?.dataSync() ?? []) }; // a ≈ [0.6, 0.8], b = [0.3, 0.4]
});

// Whole-model clipping (full_model) inside the optimizer; NONFINITE 'skip' drops a NaN step on the device.
const w = tf.variable(tf.zeros([2]), true, 'example_w');
const optimizer = new SolverOptimizer({
  groups: [{ params: [w] }],
  lr: 0.1,
  clip: { clipType: 'full_model', clipValue: 1, nonFinite: 'skip' },
});
tf.tidy(() => {
  optimizer.applyGradients({ example_w: tf.tensor1d([30, 40]) }); // norm 50 → step of length 0.1
});
tf.tidy(() => {
  optimizer.applyGradients({ example_w: tf.tensor1d([NaN, 1]) }); // skipped: w unchanged
});
const stats = optimizer.lastStepStats(); // device scalars; reading them is the caller's sync
// End-example

export { clipped };
export const weights = Array.from(w.dataSync()); // ≈ [−0.06, −0.08]
export const skippedTotal = stats?.skippedTotal.dataSync()[0]; // 1
console.log({ clipped, weights, skippedTotal });
optimizer.dispose();
w.dispose();
