import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { fusedSgdGroupUpdate } from '../../../src/optim/kernels/fusedSgdGroupUpdate.js';
import { registerFusedKernels } from '../../../src/optim/kernels/registerFusedKernels.js';
import { BACKENDS } from './kernelTestKit.js';

describe.each(BACKENDS)('fused updates on %s, buffer reuse', (backendName) => {
  beforeAll(async () => {
    registerFusedKernels();
    await tf.setBackend(backendName);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  describe('having variables that alone hold their buffers', () => {
    it('should update them in their own buffers (same data ids, no new bytes)', () => {
      const p = tf.tidy(() => tf.variable(tf.fill([1000], 1)));
      const b = tf.tidy(() => tf.variable(tf.zeros([1000])));
      const g = tf.fill([1000], 2);
      const ids = [p.dataId, b.dataId];
      const bytes = tf.memory().numBytes;
      fusedSgdGroupUpdate({ params: [p], grads: [g], buffers: [b] }, { lr: 0.5, momentum: 0.9, nesterov: false, weightDecay: 0 }, { gradScale: null, apply: null });
      expect([p.dataId, b.dataId]).toEqual(ids);
      expect(tf.memory().numBytes).toBe(bytes);
      // b = 0.9·0 + 2 = 2; p = 1 − 0.5·2 = 0 (SPEC §5 by hand)
      expect(p.dataSync()[999]).toBe(0);
      expect(b.dataSync()[0]).toBe(2);
      tf.dispose([p, b, g]);
    });
  });
});
