import * as tf from '@tensorflow/tfjs';
import { buildOptimizer, DEFAULT_CONFIG, type SolverConfig } from 'tfjs-solver';

// buildOptimizer from a config, used unchanged by model.fit, with the step statistics read every 10 steps.
// Run: npx tsx examples/optimizerFit.ts

// Begin-example
const config: SolverConfig = {
  ...DEFAULT_CONFIG,
  SOLVER: {
    ...DEFAULT_CONFIG.SOLVER,
    BASE_LR: 0.05,
    NESTEROV: true,
    CLIP_GRADIENTS: { ENABLED: true, CLIP_TYPE: 'full_model', CLIP_VALUE: 1, NORM_TYPE: 2, NONFINITE: 'skip' },
  },
};
const model = tf.sequential({
  layers: [tf.layers.dense({ units: 16, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 1 })],
});
const optimizer = buildOptimizer(config, model); // SGD, momentum 0.9, Nesterov, decay 1e-4, clipping
model.compile({ optimizer, loss: 'meanSquaredError' });

const x = tf.randomNormal([256, 4], 0, 1, 'float32', 7);
const y = tf.tidy(() => tf.sum(tf.mul(x, tf.tensor1d([1, -2, 3, 0.5])), 1, true));
const gradNorms: number[] = [];
const history = await model.fit(x, y, {
  epochs: 40,
  batchSize: 64,
  callbacks: {
    onBatchEnd: async () => {
      // A metrics hook: read the kept statistics every 10 steps (the step itself never syncs).
      const stats = optimizer.lastStepStats();
      if (stats !== null && optimizer.iterations % 10 === 0) gradNorms.push((await stats.gradNorm.data())[0] ?? NaN);
    },
  },
});
// End-example

export const losses = history.history.loss as number[];
export { gradNorms };
export const state = (await optimizer.getWeights()).map((w) => w.name);
console.log(
  `loss ${losses[0]?.toFixed(3)} → ${losses.at(-1)?.toFixed(3)}; grad norms every 10 steps:`,
  gradNorms.map((n) => n.toFixed(2)).join(' '),
);
tf.dispose([x, y]);
model.dispose();
optimizer.dispose();
