import * as tf from '@tensorflow/tfjs';
import type { BenchCase } from '../BenchCase.js';

/** A case that runs a tfjs built-in optimizer's `applyGradients` on the fixed gradients. */
function builtin(key: string, name: string, make: () => tf.Optimizer): BenchCase {
  return {
    key,
    name,
    prepare: ({ grads }) => {
      const optimizer = make();
      return {
        step: () => {
          optimizer.applyGradients(grads);
        },
        dispose: () => {
          optimizer.dispose();
        },
      };
    },
  };
}

/** `tf.train.sgd(0.01)`. */
export const tfSgdCase = builtin('tf.sgd', 'tf.train.sgd', () => tf.train.sgd(0.01));
/** `tf.train.momentum(0.01, 0.9, nesterov)`: the reference every ratio is taken against. */
export const tfMomentumCase = builtin('tf.momentum', 'tf.train.momentum (nesterov)', () => tf.train.momentum(0.01, 0.9, true));
/** `tf.train.adam(0.001)`. */
export const tfAdamCase = builtin('tf.adam', 'tf.train.adam', () => tf.train.adam(0.001));
