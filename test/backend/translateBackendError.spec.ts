import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/node.js';
import { translateBackendError } from '../../src/backend/translateBackendError.js';
import { SolverError } from '../../src/errors.js';

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected an error');
}

describe(translateBackendError, () => {
  describe('having the raw error of a Conv2D gradient on wasm', () => {
    it('should name the backend, the kernel, what it is for and the fix, keeping the cause', async () => {
      await selectBackend('wasm');
      const raw = thrownBy(() =>
        tf.tidy(() => {
          const input = tf.ones<tf.Rank.R4>([1, 4, 4, 1]);
          return tf.grad((filter: tf.Tensor) => tf.conv2d(input, filter as tf.Tensor4D, 1, 'valid').sum())(tf.ones([2, 2, 1, 1]));
        }),
      );
      // NOTE: tfjs itself keeps the tape's saved tensors when backprop throws (3 here, outside any
      // tidy), so the count is taken around the translation only: it must create no tensors.
      const before = tf.memory().numTensors;
      const translated = translateBackendError(raw, 'cli');
      expect(tf.memory().numTensors).toBe(before);
      expect(SolverError.is(translated, 'backend')).toBe(true);
      expect((translated as SolverError).message).toBe(
        'the wasm backend has no kernel Conv2DBackpropFilter (the gradient of Conv2D with respect to its filter); ' +
          'train this model on another backend: --backend cpu or tensorflow (TRAIN.BACKEND)',
      );
      expect((translated as SolverError).cause).toBe(raw);
    });
  });

  describe('having a missing kernel without a known purpose', () => {
    it('should name the kernel as the operation', () => {
      const raw = new Error("Kernel 'FancyOp' not registered for backend 'webgl'");
      expect((translateBackendError(raw, 'cli') as Error).message).toBe(
        'the webgl backend has no kernel FancyOp (the operation FancyOp); ' +
          'train this model on another backend: --backend cpu or tensorflow (TRAIN.BACKEND)',
      );
    });
  });

  describe('having a library caller (the default audience)', () => {
    it('should name the config key and tf.setBackend, not a CLI flag', () => {
      const raw = new Error("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'");
      const message: string = (translateBackendError(raw) as Error).message;
      expect(message).toContain("set TRAIN.BACKEND to cpu or tensorflow, or call tf.setBackend('cpu')");
      expect(message).not.toContain('--backend');
    });
  });

  describe('having any other error', () => {
    it.each<unknown>([new Error('out of memory'), 'text', null, undefined])('%p should come back unchanged', (error) => {
      expect(translateBackendError(error)).toBe(error);
    });
  });
});
