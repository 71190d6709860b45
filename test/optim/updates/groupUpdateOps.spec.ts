import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { adamGroupUpdateOps } from '../../../src/optim/adam.js';
import { sgdGroupUpdateOps } from '../../../src/optim/sgd.js';

let numTensors = 0;
beforeEach(() => {
  numTensors = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(numTensors);
});

const variable = (values: number[]): tf.Variable => tf.tidy(() => tf.variable(tf.tensor1d(values)));

describe(sgdGroupUpdateOps, () => {
  describe('having gradScale 0.5 and momentum 0.9', () => {
    describe('when applied once', () => {
      it('should scale the gradient before everything else', () => {
        const [p, b] = [variable([1, 2]), variable([0, 0])];
        tf.tidy(() => {
          sgdGroupUpdateOps(
            { params: [p], grads: [tf.tensor1d([2, 4])], buffers: [b] },
            { lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0 },
            { gradScale: tf.scalar(0.5), apply: null },
          );
        });
        // g = 0.5·[2, 4] = [1, 2]; b = 0·0.9 + g = [1, 2]; p = [1, 2] − 0.1·[1, 2] = [0.9, 1.8]
        expect(Array.from(b.dataSync())).toEqual([1, 2]);
        Array.from(p.dataSync()).forEach((x, i) => {
          expect(x).toBeCloseTo([0.9, 1.8][i]!, 6);
        });
        tf.dispose([p, b]);
      });
    });
  });

  describe('having apply 0', () => {
    describe('when applied with a NaN gradient', () => {
      it('should keep param and buffer exactly', () => {
        const [p, b] = [variable([1, 2]), variable([0.25, -0.5])];
        tf.tidy(() => {
          sgdGroupUpdateOps(
            { params: [p], grads: [tf.tensor1d([NaN, 1])], buffers: [b] },
            { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1 },
            { gradScale: null, apply: tf.scalar(0) },
          );
        });
        expect(Array.from(p.dataSync())).toEqual([1, 2]);
        expect(Array.from(b.dataSync())).toEqual([0.25, -0.5]);
        tf.dispose([p, b]);
      });
    });
  });
});

describe(adamGroupUpdateOps, () => {
  describe('having apply 0 on the first step', () => {
    describe('when applied', () => {
      it('should keep param, moments and the step count', () => {
        const [p, m, v] = [variable([1]), variable([0]), variable([0])];
        const step = tf.tidy(() => tf.variable(tf.scalar(0)));
        tf.tidy(() => {
          adamGroupUpdateOps(
            { params: [p], grads: [tf.tensor1d([3])], m: [m], v: [v], steps: [step], hostSteps: [1] },
            { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: true },
            { gradScale: null, apply: tf.scalar(0) },
          );
        });
        expect([p.dataSync()[0], m.dataSync()[0], v.dataSync()[0], step.dataSync()[0]]).toEqual([1, 0, 0, 0]);
        tf.dispose([p, m, v, step]);
      });
    });
  });

  describe('having gradScale 0.5', () => {
    describe('when applied once', () => {
      it('should give m = (1−β1)·s·g and v = (1−β2)·(s·g)²', () => {
        const [p, m, v] = [variable([1]), variable([0]), variable([0])];
        const step = tf.tidy(() => tf.variable(tf.scalar(0)));
        tf.tidy(() => {
          adamGroupUpdateOps(
            { params: [p], grads: [tf.tensor1d([4])], m: [m], v: [v], steps: [step], hostSteps: [1] },
            { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false },
            { gradScale: tf.scalar(0.5), apply: null },
          );
        });
        expect(m.dataSync()[0]).toBeCloseTo(0.1 * 2, 6);
        expect(v.dataSync()[0]).toBeCloseTo(0.001 * 4, 6);
        expect(step.dataSync()[0]).toBe(1);
        expect(p.dataSync()[0]).toBeCloseTo(0.9, 6);
        tf.dispose([p, m, v, step]);
      });
    });
  });
});
