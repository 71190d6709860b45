import { afterAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { Container } from 'inversify';
import { selectBackend } from '../../src/node.js';
import { createSolver, type Solver } from '../../src/di/Solver.js';
import { solverModule, TOKENS } from '../../src/di/solverModule.js';
import { SolverError } from '../../src/errors.js';
import { MemoryFileStore } from '../hooks/memoryFileStore.js';
import { smallConfig } from './smallModel.js';

describe('solver.fit on a backend without a gradient kernel', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  describe('having a conv net on wasm (no Conv2DBackpropFilter kernel)', () => {
    it('should reject with the translated backend SolverError, library advice, and leave no tensor behind', async () => {
      await selectBackend('wasm');
      const before: number = tf.memory().numTensors;
      const model: tf.Sequential = tf.sequential();
      model.add(tf.layers.conv2d({ name: 'conv', filters: 2, kernelSize: 2, inputShape: [4, 4, 1] }));
      model.add(tf.layers.flatten({ name: 'flat' }));
      model.add(tf.layers.dense({ name: 'out', units: 1 }));
      const container: Container = new Container();
      container.load(solverModule(smallConfig({ MAX_ITER: 4, STEPS: [3] })));
      container.bind(TOKENS.Model).toConstantValue(model);
      container.bind(TOKENS.FileStore).toConstantValue(new MemoryFileStore());
      const solver: Solver = await createSolver(container);
      model.compile({ optimizer: solver.optimizer, loss: 'meanSquaredError' });
      const xs: tf.Tensor4D = tf.ones([8, 4, 4, 1]);
      const ys: tf.Tensor2D = tf.zeros([8, 1]);
      const error: unknown = await solver.fit(model, xs, ys, { epochs: 1, batchSize: 4 }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(SolverError.is(error, 'backend')).toBe(true);
      expect((error as Error).message).toBe(
        'the wasm backend has no kernel Conv2DBackpropFilter (the gradient of Conv2D with respect to its filter); ' +
          "train this model on another backend: set TRAIN.BACKEND to cpu or tensorflow, or call tf.setBackend('cpu') before building the model",
      );
      tf.dispose([xs, ys]);
      solver.optimizer.dispose();
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
