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
    it('should update in place on cpu and into fresh buffers on wasm, with no bytes or tensors left over', () => {
      const p = tf.tidy(() => tf.variable(tf.fill([1000], 1)));
      const b = tf.tidy(() => tf.variable(tf.zeros([1000])));
      const g = tf.fill([1000], 2);
      const ids = [p.dataId, b.dataId];
      const bytes = tf.memory().numBytes;
      const tensors = tf.memory().numTensors;
      fusedSgdGroupUpdate({ params: [p], grads: [g], buffers: [b] }, SGD, { gradScale: null, apply: null });
      // wasm never writes in place: its XNNPACK operators cache packed weights by tensor id.
      const same = backendName === 'cpu';
      expect([p.dataId === ids[0], b.dataId === ids[1]]).toEqual([same, same]);
      expect([tf.memory().numBytes, tf.memory().numTensors]).toEqual([bytes, tensors]);
      // b = 0.9·0 + 2 = 2; p = 1 − 0.5·2 = 0 (SPEC §5 by hand)
      expect(p.dataSync()[999]).toBe(0);
      expect(b.dataSync()[0]).toBe(2);
      tf.dispose([p, b, g]);
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
