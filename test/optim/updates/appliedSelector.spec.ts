import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { appliedSelector } from '../../../src/optim/rule.js';

let numTensors = 0;
beforeEach(() => {
  numTensors = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(numTensors);
});

/** The float32 bit patterns of a tensor, so that "identical" means bit for bit (NaN, −0 included). */
const bits = (t: tf.Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));

describe.each(['cpu', 'wasm'])('appliedSelector on %s', (backendName) => {
  beforeAll(async () => {
    await tf.setBackend(backendName);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  // next holds NaN, ±Infinity and −0; previous ordinary values: a skip must keep previous, an apply give next.
  const next = (): tf.Tensor =>
    tf.tensor2d([
      [NaN, Infinity, -0],
      [-Infinity, 1e-30, 3],
    ]);
  const previous = (): tf.Tensor =>
    tf.tensor2d([
      [1, -2, 0.5],
      [7, 0, -0.25],
    ]);

  describe('having apply 0', () => {
    describe('when selecting a NaN-holding next', () => {
      it('should give previous bit for bit', () => {
        const [out, want] = tf.tidy(() => {
          const p = previous();
          return [appliedSelector(tf.scalar(0), p)(next(), p), p.clone()];
        });
        expect(bits(out)).toEqual(bits(want));
        expect(out.shape).toEqual([2, 3]);
        tf.dispose([out, want]);
      });
    });
  });

  describe('having apply 1', () => {
    describe('when selecting', () => {
      it('should give next bit for bit', () => {
        const [out, want] = tf.tidy(() => {
          const n = next();
          return [appliedSelector(tf.scalar(1), n)(n, previous()), n.clone()];
        });
        expect(bits(out)).toEqual(bits(want));
        tf.dispose([out, want]);
      });
    });

    describe('when profiled', () => {
      it('should not broadcast the condition through Tile (the slow generic path on wasm)', async () => {
        const profile = await tf.profile(() => {
          tf.tidy(() => {
            const p = previous();
            appliedSelector(tf.scalar(1), p)(next(), p);
          });
        });
        const kernels = profile.kernels.map((k) => k.name);
        expect(kernels).toContain('Select');
        expect(kernels).not.toContain('Tile');
      });
    });
  });

  describe('having apply null', () => {
    describe('when selecting', () => {
      it('should return next itself and build nothing', () => {
        tf.tidy(() => {
          const n = next();
          const before = tf.memory().numTensors;
          expect(appliedSelector(null, n)(n, previous())).toBe(n);
          expect(tf.memory().numTensors).toBe(before + 1);
        });
      });
    });
  });
});
