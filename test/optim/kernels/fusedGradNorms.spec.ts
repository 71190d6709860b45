import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../../src/errors.js';
import { fusedGradNorms } from '../../../src/optim/kernels/gradNorms.js';
import { registerFusedKernels } from '../../../src/optim/kernels/registry.js';
import { BACKENDS, countSyncs, maxRelDiff, randomArrays, SHAPES, tensors } from './kernelTestKit.js';

/** ‖x‖_p in float64 from the definition (SPEC §4): (Σ|x|^p)^(1/p), or max|x| for p = ∞. */
function normOf(values: readonly number[], p: number): number {
  if (p === Infinity) return values.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
  return values.reduce((a, x) => a + Math.abs(x) ** p, 0) ** (1 / p);
}

describe.each(BACKENDS)('fusedGradNorms on %s', (backendName) => {
  beforeAll(async () => {
    registerFusedKernels();
    await tf.setBackend(backendName);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  describe.each([1, 2, 3, Infinity, 2.5])('having p = %s', (p) => {
    const arrays = randomArrays(SHAPES, 21);
    it('should give each tensor its p-norm and one global norm over all elements, without syncs or leaks', () => {
      const before = tf.memory().numTensors;
      const grads = tensors(SHAPES, arrays);
      let each: tf.Tensor | undefined;
      let global: tf.Tensor | undefined;
      const syncs = countSyncs(() => {
        each = fusedGradNorms(grads, p, false);
        global = fusedGradNorms(grads, p);
      });
      expect(syncs).toBe(0);
      expect(each?.shape).toEqual([SHAPES.length]);
      expect(global?.shape).toEqual([]);
      expect(
        maxRelDiff(
          each?.dataSync() ?? [],
          arrays.map((a) => normOf(Array.from(a), p)),
        ),
      ).toBeLessThan(1e-6);
      expect(
        maxRelDiff(global?.dataSync() ?? [], [
          normOf(
            arrays.flatMap((a) => Array.from(a)),
            p,
          ),
        ]),
      ).toBeLessThan(1e-6);
      tf.dispose([...grads, each, global]);
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  describe('having hand-checked values [3, 4] and [-12]', () => {
    it('should give 2-norms 5 and 12, global 13, and ∞-norm 12', () => {
      const grads = [tf.tensor1d([3, 4]), tf.tensor1d([-12])];
      const each = fusedGradNorms(grads, 2, false);
      const global = fusedGradNorms(grads, 2);
      const inf = fusedGradNorms(grads, Infinity);
      expect(Array.from(each.dataSync())).toEqual([5, 12]);
      expect(global.dataSync()[0]).toBe(13);
      expect(inf.dataSync()[0]).toBe(12);
      tf.dispose([...grads, each, global, inf]);
    });
  });

  describe('having a zero gradient', () => {
    it('should give 0, not NaN', () => {
      const g = tf.zeros([17]);
      const n = fusedGradNorms([g], 2);
      expect(n.dataSync()[0]).toBe(0);
      tf.dispose([g, n]);
    });
  });

  describe.each([2, Infinity])('having a NaN in a SIMD lane or the tail, p = %s', (p) => {
    it('should give NaN', () => {
      const values = new Float32Array(9).fill(1);
      const results = [2, 8].map((at) => {
        values.fill(1);
        values[at] = NaN;
        const g = tf.tensor1d(values);
        const n = fusedGradNorms([g], p);
        const out = n.dataSync()[0];
        tf.dispose([g, n]);
        return out;
      });
      expect(results).toEqual([NaN, NaN]);
    });
  });

  describe('when p is below 1', () => {
    it('should throw a SolverError naming p', () => {
      expect(() => fusedGradNorms([], 0.5)).toThrow(
        new SolverError('argument', 'fusedGradNorms p: got 0.5, expected a number >= 1 or Infinity'),
      );
    });
  });
});
