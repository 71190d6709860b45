// Bundle-size probe: what a browser app pays to build an optimizer from a plain-object config.
import * as tf from '@tensorflow/tfjs';
import { parseConfig } from '../../src/config/load.js';
import { buildOptimizer } from '../../src/optim/buildOptimizer.js';

const kernel = tf.variable(tf.zeros([2]), true, 'w');
const optimizer = buildOptimizer(parseConfig({ SOLVER: { BASE_LR: 0.1 } }), [
  { type: 'Dense', name: 'dense', params: [{ name: 'kernel', value: kernel }] },
]);
console.log(optimizer, tf.version_core);
