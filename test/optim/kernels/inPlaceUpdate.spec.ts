import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { registerFusedKernels } from '../../../src/optim/kernels/registry.js';
import { fusedSgdGroupUpdate } from '../../../src/optim/sgd.js';
import { BACKENDS } from './kernelTestKit.js';

const SGD = { lr: 0.5, momentum: 0.9, nesterov: false, weightDecay: 0 };

describe.each(BACKENDS)('fused updates on %s, buffers', (backendName) => {
  beforeAll(async () => {
    registerFusedKernels();
    await tf.setBackend(backendName);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  describe('having variables that alone hold their buffers', () => {
    it('should write new buffers first, then in place on cpu (fresh ones on wasm), with no bytes or tensors left over', () => {
      const p = tf.tidy(() => tf.variable(tf.fill([1000], 1)));
      const b = tf.tidy(() => tf.variable(tf.zeros([1000])));
      const g = tf.fill([1000], 2);
      const bytes = tf.memory().numBytes;
      const tensors = tf.memory().numTensors;
      const step = (): boolean[] => {
        const ids = [p.dataId, b.dataId];
        fusedSgdGroupUpdate({ params: [p], grads: [g], buffers: [b] }, SGD, { gradScale: null, apply: null });
        return [p.dataId === ids[0], b.dataId === ids[1]];
      };
      // The first update never writes into a buffer the kernels did not make (it may be a caller's array).
      expect(step()).toEqual([false, false]);
      // wasm never writes in place: its XNNPACK operators cache packed weights by tensor id.
      const same = backendName === 'cpu';
      expect(step()).toEqual([same, same]);
      expect([tf.memory().numBytes, tf.memory().numTensors]).toEqual([bytes, tensors]);
      // b = 0.9·0 + 2 = 2, p = 1 − 0.5·2 = 0; then b = 0.9·2 + 2 = 3.8, p = 0 − 0.5·3.8 = −1.9 (by hand)
      expect(p.dataSync()[999]).toBeCloseTo(-1.9, 6);
      expect(b.dataSync()[0]).toBeCloseTo(3.8, 6);
      tf.dispose([p, b, g]);
    });
  });

  describe('having a variable made from an array of the caller (adopted by the cpu backend without a copy)', () => {
    it('should leave the array as it was', () => {
      const mine = new Float32Array(1000).fill(1);
      const p = tf.tidy(() => tf.variable(tf.tensor1d(mine)));
      const g = tf.fill([1000], 2);
      for (let i = 0; i < 3; i++) {
        fusedSgdGroupUpdate({ params: [p], grads: [g], buffers: [] }, { ...SGD, momentum: 0 }, { gradScale: null, apply: null });
      }
      expect(mine.every((x) => x === 1)).toBe(true);
      // 1 − 3·0.5·2 = −2 (by hand)
      expect(p.dataSync()[0]).toBe(-2);
      tf.dispose([p, g]);
    });
  });

  describe('having a weight already used by a matMul (wasm caches packed weights per tensor)', () => {
    it('should make the next matMul and conv2d see the updated weight', () => {
      const w = tf.tidy(() =>
        tf.variable(
          tf.tensor2d([
            [1, 2],
            [3, 4],
          ]),
        ),
      );
      const f = tf.tidy(() => tf.variable(tf.ones([1, 1, 2, 2])));
      const x = tf.tensor2d([[1, 1]]);
      const img = tf.ones([1, 1, 1, 2]);
      const g = tf.ones([2, 2]);
      const gf = tf.ones([1, 1, 2, 2]);
      tf.tidy(() => [tf.matMul(x, w).dataSync(), tf.conv2d(img as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid').dataSync()]);
      const plain = { ...SGD, momentum: 0 };
      fusedSgdGroupUpdate({ params: [w, f], grads: [g, gf], buffers: [] }, plain, { gradScale: null, apply: null });
      // w − 0.5 = [[0.5, 1.5], [2.5, 3.5]], x·w = [3, 5]; filter 0.5 everywhere, conv = [1, 1] (by hand)
      const [mm, conv] = tf.tidy(() => [
        tf.matMul(x, w).dataSync(),
        tf.conv2d(img as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid').dataSync(),
      ]);
      expect(Array.from(mm)).toEqual([3, 5]);
      expect(Array.from(conv)).toEqual([1, 1]);
      tf.dispose([w, f, x, img, g, gf]);
    });
  });
});
