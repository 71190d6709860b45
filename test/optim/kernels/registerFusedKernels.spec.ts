import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../../src/errors.js';
import { fusedEmaStep } from '../../../src/optim/kernels/ema.js';
import { FUSED_KERNEL_BACKENDS, registerFusedKernels } from '../../../src/optim/kernels/registry.js';
import { ADAM_GROUP_KERNEL, GRAD_NORMS_KERNEL, SGD_GROUP_KERNEL } from '../../../src/optim/kernels/shared.js';
import { fusedSgdGroupUpdate } from '../../../src/optim/sgd.js';
import './kernelTestKit.js';

const registered = (kernel: string, backend: string): boolean =>
  (tf.getKernel(kernel, backend) as tf.KernelConfig | undefined) !== undefined;

describe('registerFusedKernels', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(() => {
    registerFusedKernels();
  });

  describe('when called twice', () => {
    it('should register the three kernels for cpu and wasm once, then nothing', () => {
      registerFusedKernels();
      expect(registerFusedKernels()).toBe(0);
      for (const backend of FUSED_KERNEL_BACKENDS) {
        for (const kernel of [SGD_GROUP_KERNEL, ADAM_GROUP_KERNEL, GRAD_NORMS_KERNEL]) {
          expect(registered(kernel, backend)).toBe(true);
        }
      }
      expect(FUSED_KERNEL_BACKENDS).toEqual(['cpu', 'wasm']);
    });
  });

  describe('having one kernel missing for the active backend', () => {
    it('should make the fused update throw a backend SolverError, and registering again restores only it', () => {
      registerFusedKernels();
      tf.unregisterKernel(SGD_GROUP_KERNEL, 'cpu');
      const p = tf.tidy(() => tf.variable(tf.zeros([2])));
      const g = tf.ones([2]);
      const run = (): void => {
        fusedSgdGroupUpdate(
          { params: [p], grads: [g], buffers: [] },
          { lr: 1, momentum: 0, nesterov: false, weightDecay: 0 },
          { gradScale: null, apply: null },
        );
      };
      expect(run).toThrow(
        new SolverError(
          'backend',
          `fused kernel ${SGD_GROUP_KERNEL}: not registered for backend 'cpu'; call registerFusedKernels() and use the cpu or wasm backend`,
        ),
      );
      expect(Array.from(p.dataSync())).toEqual([0, 0]);
      expect(registerFusedKernels()).toBe(1);
      run();
      expect(Array.from(p.dataSync())).toEqual([-1, -1]);
      tf.dispose([p, g]);
    });
  });

  describe('having a gradient whose size differs from its parameter', () => {
    it('should throw an argument SolverError naming the input, and write nothing', () => {
      registerFusedKernels();
      const p = tf.tidy(() => tf.variable(tf.zeros([2])));
      const g = tf.ones([3]);
      expect(() => {
        fusedSgdGroupUpdate(
          { params: [p], grads: [g], buffers: [] },
          { lr: 1, momentum: 0, nesterov: false, weightDecay: 0 },
          { gradScale: null, apply: null },
        );
      }).toThrow(new SolverError('argument', 'fused kernel input g0: got shape [3], expected the size of p0 [2]'));
      expect(Array.from(p.dataSync())).toEqual([0, 0]);
      tf.dispose([p, g]);
    });
  });

  describe('having a weight average whose size differs from its variable', () => {
    it('should throw an argument SolverError naming the variable and its average, and write nothing', () => {
      registerFusedKernels();
      const average = tf.tidy(() => tf.variable(tf.zeros([2])));
      const variable = tf.tidy(() => tf.variable(tf.ones([3])));
      expect(() => fusedEmaStep([average], [variable], 0.9)).toThrow(
        new SolverError('argument', 'fused kernel input v0: got shape [3], expected the size of s0 [2]'),
      );
      expect(Array.from(average.dataSync())).toEqual([0, 0]);
      tf.dispose([average, variable]);
    });
  });

  describe('when the group is malformed', () => {
    it('should throw an argument SolverError naming the counts', () => {
      registerFusedKernels();
      const p = tf.tidy(() => tf.variable(tf.zeros([2])));
      expect(() => {
        fusedSgdGroupUpdate(
          { params: [p], grads: [], buffers: [] },
          { lr: 1, momentum: 0.9, nesterov: false, weightDecay: 0 },
          { gradScale: null, apply: null },
        );
      }).toThrow(
        new SolverError('argument', 'fusedSgdGroupUpdate: got 1 params, 0 grads, 0 buffers; expected as many grads and buffers as params'),
      );
      tf.dispose(p);
    });
  });
});
