import * as tf from '@tensorflow/tfjs';
import type { BenchCase } from '../BenchCase.js';

/**
 * Global-norm clipping the way it is usually written by hand in tfjs — one `tf.norm(g).dataSync()`
 * per tensor, the coefficient computed in JavaScript — followed by `tf.train.momentum` (nesterov).
 * Same clip rule as SPEC §4 (`min(1, 1 / (‖g‖ + 1e-6))`, max norm 1).
 */
export const naiveClipCase: BenchCase = {
  key: 'naive-clip',
  name: 'naive clipping (dataSync per tensor) + tf.train.momentum',
  prepare: ({ grads }) => {
    const optimizer = tf.train.momentum(0.01, 0.9, true);
    const names = Object.keys(grads);
    return {
      step: () => {
        let sumSquares = 0;
        for (const n of names) {
          const norm = tf.norm(grads[n] as tf.Tensor);
          sumSquares += (norm.dataSync()[0] ?? 0) ** 2;
          norm.dispose();
        }
        const coef = Math.min(1, 1 / (Math.sqrt(sumSquares) + 1e-6));
        tf.tidy(() => {
          const clipped = Object.fromEntries(names.map((n) => [n, tf.mul(grads[n] as tf.Tensor, coef)]));
          optimizer.applyGradients(clipped);
        });
      },
      dispose: () => {
        optimizer.dispose();
      },
    };
  },
};
