import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { Container, injectable } from 'inversify';
import { SolverError } from '../../src/errors.js';

describe(SolverError, () => {
  describe('having an error of kind config', () => {
    const error: SolverError = new SolverError('config', 'SOLVER.MAX_ITER: got -1, must be an integer > 0');

    it('should be recognised by is() with and without the kind', () => {
      expect(SolverError.is(error)).toBe(true);
      expect(SolverError.is(error, 'config')).toBe(true);
      expect(SolverError.is(error, 'backend')).toBe(false);
    });

    it('should keep its message and name', () => {
      expect(error.message).toBe('SOLVER.MAX_ITER: got -1, must be an integer > 0');
      expect(error.name).toBe('SolverError');
    });
  });

  describe('having a plain Error or a non-object', () => {
    it('should not be recognised', () => {
      expect(SolverError.is(new Error('x'))).toBe(false);
      expect(SolverError.is('config')).toBe(false);
      expect(SolverError.is(null)).toBe(false);
    });
  });
});

describe('toolchain smoke', () => {
  it('should load tfjs and inversify under jest ESM', () => {
    @injectable()
    class Foo {
      public value(): number {
        return tf.tidy(() => tf.scalar(2).add(3).arraySync() as number);
      }
    }
    const container: Container = new Container();
    container.bind(Foo).toSelf();
    expect(container.get(Foo).value()).toBe(5);
  });
});
