import { afterAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/node.js';
import { SolverError } from '../../src/errors.js';
import { Trainer } from '../../src/train/Trainer.js';

describe('Trainer on a backend without a gradient kernel', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  describe('having a conv net on wasm (no Conv2DBackpropFilter kernel)', () => {
    it('should reject train() with a backend SolverError naming the backend, the kernel and the fix', async () => {
      await selectBackend('wasm');
      const filter: tf.Variable = tf.variable(tf.ones([2, 2, 1, 1]), true, 'trainerBackendError/filter');
      const input: tf.Tensor4D = tf.ones([1, 4, 4, 1]);
      const optimizer: tf.Optimizer = tf.train.sgd(0.1);
      const trainer = new Trainer({
        data: { batch: () => Promise.resolve(input.clone()) },
        loss: (x: tf.Tensor) => tf.sum<tf.Scalar>(tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, 'valid')),
        variables: [filter],
        optimizer,
        hooks: [],
        maxIter: 1,
      });
      const error: unknown = await trainer.train().then(
        () => null,
        (e: unknown) => e,
      );
      expect(SolverError.is(error, 'backend')).toBe(true);
      expect((error as Error).message).toBe(
        'the wasm backend has no kernel Conv2DBackpropFilter (the gradient of Conv2D with respect to its filter); ' +
          "train this model on another backend: set TRAIN.BACKEND to cpu or tensorflow, or call tf.setBackend('cpu') before building the model",
      );
      tf.dispose([filter, input]);
      optimizer.dispose();
    });
  });
});
