import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../../src/errors.js';
import { buildGradientClipper, type ClipperOptions } from '../../../src/optim/clip.js';

/** Runs `fn` on fresh gradients a = [3, −4], b = [12] and checks that no tensor is left behind. */
function withGrads<T>(fn: (grads: tf.NamedTensorMap) => T, a = [3, -4], b = [12]): T {
  const before = tf.memory().numTensors;
  const grads = { a: tf.tensor1d(a), b: tf.tensor1d(b) };
  const result = fn(grads);
  tf.dispose(grads);
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

function clipToArrays(options: ClipperOptions, a?: number[], b?: number[]): { a: number[]; b: number[] } {
  const clipper = buildGradientClipper(options);
  return withGrads(
    (grads) =>
      tf.tidy(() => {
        // The gradients the update applies: each times gradScale when there is one (full_model).
        const out = clipper.clip(grads);
        const applied = (g: tf.Tensor): number[] => Array.from((out.gradScale === null ? g : tf.mul(g, out.gradScale)).dataSync());
        return { a: applied(out.grads.a!), b: applied(out.grads.b!) };
      }),
    a,
    b,
  );
}

/** Hand norms of a = [3, −4] and b = [12]: ‖a‖_p, ‖b‖_p, and the global norm (‖a‖_p^p + ‖b‖_p^p)^(1/p). */
const NORMS: readonly { p: number; a: number; b: number; global: number }[] = [
  { p: 1, a: 3 + 4, b: 12, global: 3 + 4 + 12 },
  { p: 2, a: 5, b: 12, global: 13 },
  { p: 3, a: Math.cbrt(27 + 64), b: 12, global: Math.cbrt(27 + 64 + 1728) },
  { p: Infinity, a: 4, b: 12, global: 12 },
];

/** SPEC §4: c = v / (n + 1e-6), applied only when c < 1. */
const scale = (v: number, n: number): number => Math.min(v / (n + 1e-6), 1);

describe(buildGradientClipper, () => {
  describe('having clipType value', () => {
    describe('when elements exceed ±3.5', () => {
      it('should clamp each element to [−3.5, 3.5]', () => {
        const out = clipToArrays({ clipType: 'value', clipValue: 3.5 });
        expect(out.a).toEqual([3, -3.5]);
        expect(out.b).toEqual([3.5]);
      });

      it('should report clipped 1 and the 2-norm 13 before clipping', () => {
        const clipper = buildGradientClipper({ clipType: 'value', clipValue: 3.5 });
        const stats = withGrads((g) =>
          tf.tidy(() => {
            const s = clipper.clip(g).stats;
            return [s.norm.dataSync()[0], s.clipped.dataSync()[0], s.finite.dataSync()[0]];
          }),
        );
        expect(stats[0]).toBeCloseTo(13, 4);
        expect(stats.slice(1)).toEqual([1, 1]);
      });
    });

    describe('when no element exceeds the bound', () => {
      it('should leave the gradients unchanged and report clipped 0', () => {
        expect(clipToArrays({ clipType: 'value', clipValue: 20 })).toEqual({ a: [3, -4], b: [12] });
        const clipper = buildGradientClipper({ clipType: 'value', clipValue: 20 });
        expect(withGrads((g) => tf.tidy(() => clipper.clip(g).stats.clipped.dataSync()[0]))).toBe(0);
      });
    });
  });

  describe.each(NORMS)('having normType $p', ({ p, a, b, global }) => {
    describe('when clipType is norm with clipValue 6', () => {
      it('should scale each parameter by min(6 / (‖g‖_p + 1e-6), 1) on its own', () => {
        const out = clipToArrays({ clipType: 'norm', clipValue: 6, normType: p });
        const [sa, sb] = [scale(6, a), scale(6, b)];
        out.a.forEach((x, i) => {
          expect(x).toBeCloseTo([3 * sa, -4 * sa][i]!, 5);
        });
        expect(out.b[0]).toBeCloseTo(12 * sb, 5);
      });
    });

    describe('when clipType is full_model with clipValue 6', () => {
      it('should scale every gradient by one coefficient from the global norm', () => {
        const out = clipToArrays({ clipType: 'full_model', clipValue: 6, normType: p });
        const s = scale(6, global);
        out.a.forEach((x, i) => {
          expect(x).toBeCloseTo([3 * s, -4 * s][i]!, 5);
        });
        expect(out.b[0]).toBeCloseTo(12 * s, 5);
      });

      it('should hand the coefficient over as gradScale and the grads unchanged', () => {
        const clipper = buildGradientClipper({ clipType: 'full_model', clipValue: 6, normType: p });
        const [same, gradScale, norm] = withGrads((g) =>
          tf.tidy(() => {
            const o = clipper.clip(g);
            return [o.grads.a === g.a && o.grads.b === g.b, o.gradScale!.dataSync()[0]!, o.stats.norm.dataSync()[0]!] as const;
          }),
        );
        expect(same).toBe(true);
        expect(gradScale).toBeCloseTo(scale(6, global), 6);
        expect(norm).toBeCloseTo(global, 4);
      });
    });

    describe('when the gradients are already small (clipValue 1000)', () => {
      it('should leave them unchanged (c > 1 is not applied)', () => {
        const out = clipToArrays({ clipType: 'full_model', clipValue: 1000, normType: p });
        expect(out.a[0]).toBeCloseTo(3, 6);
        expect(out.b[0]).toBeCloseTo(12, 6);
      });
    });
  });

  describe.each(['norm', 'full_model'] as const)('having clipType %s', (clipType) => {
    describe('when every gradient is zero', () => {
      it('should give zeros and norm 0, no NaN', () => {
        const out = clipToArrays({ clipType, clipValue: 1 }, [0, 0], [0]);
        expect(out).toEqual({ a: [0, 0], b: [0] });
        const clipper = buildGradientClipper({ clipType, clipValue: 1, normType: 3 });
        const norm = withGrads((g) => tf.tidy(() => clipper.clip(g).stats.norm.dataSync()[0]), [0, 0], [0]);
        expect(norm).toBe(0);
      });
    });
  });

  describe('having nonFinite error', () => {
    describe.each([NaN, Infinity, -Infinity])('when a gradient holds %s', (bad) => {
      it('should not throw nor read the device, and report finite 0 (the optimizer raises the error after the step)', () => {
        const clipper = buildGradientClipper({ clipType: 'norm', nonFinite: 'error' });
        const before = tf.memory().numTensors;
        const grads = { 'dense/bias': tf.tensor1d([1]), 'dense/kernel': tf.tensor1d([1, bad]) };
        const finite = tf.tidy(() => clipper.clip(grads).stats.finite.dataSync()[0]);
        tf.dispose(grads);
        expect(finite).toBe(0);
        expect(tf.memory().numTensors).toBe(before);
      });
    });
  });

  describe('having nonFinite skip', () => {
    describe('when a gradient holds NaN', () => {
      it('should not throw and report finite 0 on the device', () => {
        const clipper = buildGradientClipper({ clipType: 'full_model' });
        const finite = withGrads((g) => tf.tidy(() => clipper.clip(g).stats.finite.dataSync()[0]), [NaN, 1]);
        expect(finite).toBe(0);
      });
    });
  });

  describe('having invalid options', () => {
    it.each([
      [{ clipType: 'global' } as unknown as ClipperOptions, "clipType: got 'global', expected one of value, norm, full_model, none"],
      [{ clipValue: 0 }, 'clipValue: got 0, expected a finite number > 0'],
      [{ clipValue: -1 }, 'clipValue: got -1, expected a finite number > 0'],
      [{ clipValue: NaN }, 'clipValue: got NaN, expected a finite number > 0'],
      [{ normType: 0.5 }, 'normType: got 0.5, expected a number >= 1 or Infinity'],
      [{ normType: NaN }, 'normType: got NaN, expected a number >= 1 or Infinity'],
      [{ nonFinite: 'zero' } as unknown as ClipperOptions, "nonFinite: got 'zero', expected one of skip, error, none"],
    ])('should reject %j with a message naming the key', (options, message) => {
      expect(() => buildGradientClipper(options)).toThrow(new SolverError('argument', message));
      try {
        buildGradientClipper(options);
      } catch (e) {
        expect(SolverError.is(e, 'argument')).toBe(true);
        expect((e as Error).message).toBe(message);
      }
    });
  });
});
