import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { WeightEma } from '../../src/hooks/WeightEma.js';

describe(WeightEma, () => {
  let before: number;

  beforeEach(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
  });

  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  describe('having decay 0.5 and a weight that turns NaN for one step', () => {
    it('should keep the average unchanged that step and move it again after (hand-computed)', async () => {
      const weight: tf.Variable = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
      const ema: WeightEma = new WeightEma(new Map([['w', weight]]), 0.5);
      ema.beforeTrain();
      tf.tidy(() => {
        weight.assign(tf.tensor1d([Number.NaN, 4]));
      });
      ema.afterStep();
      expect(Array.from(await ema.state()[0]!.tensor.data())).toEqual([1, 2]);
      tf.tidy(() => {
        weight.assign(tf.tensor1d([3, 4]));
      });
      ema.afterStep();
      // 0.5 * [1, 2] + 0.5 * [3, 4]
      expect(Array.from(await ema.state()[0]!.tensor.data())).toEqual([2, 3]);
      ema.dispose();
      weight.dispose();
    });
  });
});
