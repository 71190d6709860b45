import { afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { fusedKernelsReady, registerFusedKernels } from '../../../src/optim/kernels/registry.js';
import { SGD_GROUP_KERNEL } from '../../../src/optim/kernels/shared.js';
import { tfjsInternalsSupported, tfjsVersions } from '../../../src/optim/kernels/tfjsInternals.js';
import { SolverOptimizer } from '../../../src/optim/SolverOptimizer.js';

const realRead = tfjsVersions.read;

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => {
  tfjsVersions.read = realRead;
  jest.restoreAllMocks();
});

describe('the tfjs version the kernels’ internals were written for', () => {
  describe('having the installed tfjs (4.22.x)', () => {
    it('should allow the fused kernels on cpu, wasm, webgl and webgpu only', () => {
      expect(tfjsInternalsSupported()).toBe(true);
      expect(fusedKernelsReady('cpu')).toBe(true);
      expect(fusedKernelsReady('wasm')).toBe(true);
      expect(fusedKernelsReady('webgl')).toBe(true);
      expect(fusedKernelsReady('webgpu')).toBe(true);
      expect(fusedKernelsReady('tensorflow')).toBe(false);
    });
  });

  describe('having another tfjs version (faked: 4.23.0)', () => {
    it('should run the plain-ops path, with one logged warning naming the version', () => {
      tfjsVersions.read = () => ({ 'tfjs-core': '4.23.0', 'tfjs-backend-cpu': '4.23.0' });
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      registerFusedKernels();
      tf.unregisterKernel(SGD_GROUP_KERNEL, 'cpu');
      const before = tf.memory().numTensors;
      const w = tf.tidy(() => tf.variable(tf.scalar(1), true, 'internals_w'));
      const optimizer = new SolverOptimizer({ groups: [{ params: [w] }], lr: 0.1, momentum: 0.9 });
      for (let i = 0; i < 3; i++) {
        tf.tidy(() => {
          optimizer.applyGradients({ internals_w: tf.scalar(1) });
        });
      }
      // b: 1, 1.9, 2.71 → w = 1 − 0.1·(1 + 1.9 + 2.71) = 0.439
      expect(w.dataSync()[0]).toBeCloseTo(0.439, 6);
      // Nothing re-registered the fused kernel: the plain-ops update ran.
      expect(tf.getKernel(SGD_GROUP_KERNEL, 'cpu') as tf.KernelConfig | undefined).toBeUndefined();
      expect(fusedKernelsReady('cpu')).toBe(false);
      // One warning of ours (tfjs itself may print its own Node.js hint through console.warn).
      const ours = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.startsWith('tfjs-solver:'));
      expect(ours).toHaveLength(1);
      expect(ours[0]).toContain('tfjs-core 4.23.0');
      optimizer.dispose();
      w.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
