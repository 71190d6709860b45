import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { adamGroupUpdateOps, fusedAdamGroupUpdate } from '../../../src/optim/adam.js';
import { pNorm } from '../../../src/optim/clip.js';
import { fusedGradNorms } from '../../../src/optim/kernels/gradNorms.js';
import { registerFusedKernels } from '../../../src/optim/kernels/registry.js';
import { fusedSgdGroupUpdate, sgdGroupUpdateOps } from '../../../src/optim/sgd.js';
import { BACKENDS, maxRelDiff, randomArrays, tensors, variables } from './kernelTestKit.js';

/** 40,003 floats: more than two 16,384-float staging chunks on cpu, plus a 3-element tail. */
const BIG: number[][] = [[40003], [5, 8193]];

describe.each(BACKENDS)('fused kernels on %s with tensors larger than a staging chunk', (backendName) => {
  beforeAll(async () => {
    registerFusedKernels();
    await tf.setBackend(backendName);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('should match the plain-ops SGD (nesterov, decay, clip scale) over two steps', () => {
    const run = (update: typeof sgdGroupUpdateOps): number[] => {
      const params = variables(BIG, randomArrays(BIG, 51));
      const buffers = BIG.map((s) => tf.tidy(() => tf.variable(tf.zeros(s))));
      const grads = tensors(BIG, randomArrays(BIG, 52));
      const gradScale = tf.scalar(0.3);
      for (let i = 0; i < 2; i++)
        update({ params, grads, buffers }, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }, { gradScale, apply: null });
      const out = [...params, ...buffers].flatMap((v) => Array.from(v.dataSync()));
      tf.dispose([...params, ...buffers, ...grads, gradScale]);
      return out;
    };
    const before = tf.memory().numTensors;
    expect(maxRelDiff(run(fusedSgdGroupUpdate), run(sgdGroupUpdateOps))).toBeLessThan(1e-6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('should match the plain-ops AdamW over two steps', () => {
    const run = (update: typeof adamGroupUpdateOps): number[] => {
      const params = variables(BIG, randomArrays(BIG, 53));
      const [m, v] = [0, 1].map(() => BIG.map((s) => tf.tidy(() => tf.variable(tf.zeros(s))))) as [tf.Variable[], tf.Variable[]];
      const steps = BIG.map(() => tf.tidy(() => tf.variable(tf.scalar(0))));
      const grads = tensors(BIG, randomArrays(BIG, 54));
      const hyper = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05, decoupled: true };
      for (let i = 0; i < 2; i++)
        update({ params, grads, m, v, steps, hostSteps: steps.map(() => i + 1) }, hyper, { gradScale: null, apply: null });
      const out = [...params, ...m, ...v].flatMap((x) => Array.from(x.dataSync()));
      tf.dispose([...params, ...m, ...v, ...steps, ...grads]);
      return out;
    };
    expect(maxRelDiff(run(fusedAdamGroupUpdate), run(adamGroupUpdateOps))).toBeLessThan(1e-5);
  });

  it.each([1, 2, 3, Infinity])('should match pNorm for p = %s', (p) => {
    const grads = tensors(BIG, randomArrays(BIG, 55));
    const fused = fusedGradNorms(grads, p, false);
    const ops = tf.tidy(() => tf.stack(grads.map((g) => pNorm(g, p))));
    expect(maxRelDiff(fused.dataSync(), ops.dataSync())).toBeLessThan(1e-5);
    tf.dispose([...grads, fused, ops]);
  });
});
