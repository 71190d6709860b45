import * as tf from '@tensorflow/tfjs';
import { getDefaultOptimizerParams, SolverOptimizer } from 'tfjs-solver';

// Parameter groups with detectron2's rules on a tfjs model: BN weights without decay, biases at 2× LR.
// Run: npx tsx examples/paramGroups.ts

// Begin-example
const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 8, inputShape: [4], name: 'fc1' }),
    tf.layers.batchNormalization({ name: 'bn1' }),
    tf.layers.dense({ units: 1, name: 'head' }),
  ],
});
const groups = getDefaultOptimizerParams(model, {
  baseLr: 0.1,
  weightDecay: 1e-4,
  weightDecayNorm: 0, // BatchNormalization gamma/beta: no decay
  biasLrFactor: 2, // `bias` and BN `beta` map to detectron2's `bias`
  overrides: { gamma: { lr: 0.05 } }, // tfjs names work as override keys too
});
// groups (params are the model's tf.Variables, shown by name):
//   { lr: 0.1,  weightDecay: 1e-4, params: [fc1/kernel, head/kernel] }
//   { lr: 0.2,  weightDecay: 1e-4, params: [fc1/bias, head/bias] }
//   { lr: 0.05, weightDecay: 0,    params: [bn1/gamma] }
//   { lr: 0.2,  weightDecay: 0,    params: [bn1/beta] }
const optimizer = new SolverOptimizer({ groups, momentum: 0.9 });
model.compile({ optimizer, loss: 'meanSquaredError' });
// End-example

export const named = groups.map((g) => ({ lr: g.lr, weightDecay: g.weightDecay, params: g.params.map((v) => v.name) }));
export const optimizerGroups = optimizer.paramGroups.map((g) => ({ lr: g.lr, weightDecay: g.weightDecay }));
console.log(JSON.stringify(named, null, 1));
optimizer.dispose();
model.dispose();
