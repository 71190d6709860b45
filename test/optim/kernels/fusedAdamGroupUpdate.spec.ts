import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { fusedAdamGroupUpdate } from '../../../src/optim/adam.js';
import { registerFusedKernels } from '../../../src/optim/kernels/registry.js';
import type { AdamHyperparams } from '../../../src/optim/adam.js';
import { BACKENDS, countSyncs, maxRelDiff, randomArrays, SHAPES, tensors, variables } from './kernelTestKit.js';
import { adamReference } from './referenceUpdates.js';

/** Float32 tolerance: Adam divides by √v + ε, so a float32 rounding of m or v shows up relatively. */
const TOL = 1e-5;

const ADAMW: AdamHyperparams = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupled: true };
const ADAM: AdamHyperparams = { ...ADAMW, weightDecay: 0.01, decoupled: false };

/** Runs fused steps with the given apply flags (null = no flag); returns params, syncs and leaks. */
function runFused(hyper: AdamHyperparams, applies: readonly (number | null)[], scale: number | null) {
  const before = tf.memory().numTensors;
  const params = variables(SHAPES, randomArrays(SHAPES, 11));
  const grads = tensors(SHAPES, randomArrays(SHAPES, 12));
  const m = SHAPES.map((s) => tf.tidy(() => tf.variable(tf.zeros(s))));
  const v = SHAPES.map((s) => tf.tidy(() => tf.variable(tf.zeros(s))));
  const gradScale = scale === null ? null : tf.scalar(scale);
  const flags = applies.map((a) => (a === null ? null : tf.scalar(a)));
  const syncs = countSyncs(() => {
    // The optimizer's role: the step number of an applied step is the count of applied steps + 1.
    let applied = 0;
    flags.forEach((apply, k) => {
      fusedAdamGroupUpdate({ params, grads, m, v, steps: [], hostSteps: params.map(() => applied + 1) }, hyper, { gradScale, apply });
      applied += applies[k] === 0 ? 0 : 1;
    });
  });
  const out = { params: params.map((p) => Array.from(p.dataSync())), syncs };
  tf.dispose([...params, ...grads, ...m, ...v, ...flags.filter((f) => f !== null), ...(gradScale === null ? [] : [gradScale])]);
  return { ...out, leaked: tf.memory().numTensors - before };
}

function runReference(hyper: AdamHyperparams, steps: number, scale: number | null): number[][] {
  const ps = randomArrays(SHAPES, 11).map((a) => Float64Array.from(a));
  const gs = randomArrays(SHAPES, 12);
  const ms = ps.map((p) => new Float64Array(p.length));
  const vs = ps.map((p) => new Float64Array(p.length));
  for (let t = 1; t <= steps; t++) {
    ps.forEach((p, i) => {
      adamReference(p, gs[i] as Float32Array, ms[i] as Float64Array, vs[i] as Float64Array, t, { ...hyper, scale: scale ?? 1 });
    });
  }
  return ps.map((p) => Array.from(p));
}

describe.each(BACKENDS)('fusedAdamGroupUpdate on %s', (backendName) => {
  beforeAll(async () => {
    registerFusedKernels();
    await tf.setBackend(backendName);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  const cases: [string, AdamHyperparams, number | null][] = [
    ['AdamW', ADAMW, null],
    ['Adam (coupled decay)', ADAM, null],
    ['AdamW with a clip scale', ADAMW, 0.25],
  ];
  describe.each(cases)('having %s', (_title, hyper, scale) => {
    describe('when run for four steps', () => {
      it('should match PyTorch formulas computed in float64, sync nothing and leak nothing', () => {
        const fused = runFused(hyper, [null, null, null, null], scale);
        const expected = runReference(hyper, 4, scale);
        fused.params.forEach((p, i) => {
          expect(maxRelDiff(p, expected[i] as number[])).toBeLessThan(TOL);
        });
        expect(fused.syncs).toBe(0);
        expect(fused.leaked).toBe(0);
      });
    });
  });

  describe('having skipped steps (apply 0, 1, 0, 1)', () => {
    it('should leave the skipped steps out and equal two plain steps', () => {
      const fused = runFused(ADAMW, [0, 1, 0, 1], null);
      const expected = runReference(ADAMW, 2, null);
      fused.params.forEach((p, i) => {
        expect(maxRelDiff(p, expected[i] as number[])).toBeLessThan(TOL);
      });
      expect(fused.syncs).toBe(0);
      expect(fused.leaked).toBe(0);
    });
  });

  describe('having only skipped steps', () => {
    it('should leave params bit-identical', () => {
      const fused = runFused(ADAMW, [0, 0], null);
      fused.params.forEach((p, i) => {
        expect(p).toEqual(Array.from(randomArrays(SHAPES, 11)[i] as Float32Array));
      });
    });
  });
});
