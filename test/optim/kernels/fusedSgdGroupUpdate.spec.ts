import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { registerFusedKernels } from '../../../src/optim/kernels/registry.js';
import type { StepControl } from '../../../src/optim/rule.js';
import type { SgdHyperparams } from '../../../src/optim/sgd.js';
import { fusedSgdGroupUpdate } from '../../../src/optim/sgd.js';
import { BACKENDS, countSyncs, maxRelDiff, randomArrays, SHAPES, tensors, variables } from './kernelTestKit.js';
import { sgdReference } from './referenceUpdates.js';

/** Float32 tolerance for a few steps of SGD on values of order 1. */
const TOL = 2e-6;

interface Run {
  readonly params: number[][];
  readonly buffers: number[][];
  readonly syncs: number;
  readonly leaked: number;
}

/** Three fused steps (LR changes between steps) from seeded inputs; reads results only afterwards. */
function runFused(hyper: SgdHyperparams, scale: number | null, lrs: readonly number[]): Run {
  const before = tf.memory().numTensors;
  const params = variables(SHAPES, randomArrays(SHAPES, 1));
  const grads = tensors(SHAPES, randomArrays(SHAPES, 2));
  const buffers = hyper.momentum === 0 ? [] : SHAPES.map((s) => tf.tidy(() => tf.variable(tf.zeros(s))));
  const gradScale = scale === null ? null : tf.scalar(scale);
  const control: StepControl = { gradScale, apply: null };
  const syncs = countSyncs(() => {
    for (const lr of lrs) {
      fusedSgdGroupUpdate({ params, grads, buffers }, { ...hyper, lr }, control);
    }
  });
  const out = { params: params.map((p) => Array.from(p.dataSync())), buffers: buffers.map((b) => Array.from(b.dataSync())) };
  tf.dispose([...params, ...grads, ...buffers, ...(gradScale === null ? [] : [gradScale])]);
  return { ...out, syncs, leaked: tf.memory().numTensors - before };
}

function runReference(hyper: SgdHyperparams, scale: number | null, lrs: readonly number[]): number[][] {
  const ps = randomArrays(SHAPES, 1).map((a) => Float64Array.from(a));
  const gs = randomArrays(SHAPES, 2);
  const bs = SHAPES.map((_, i) => new Float64Array((ps[i] as Float64Array).length));
  for (const lr of lrs) {
    ps.forEach((p, i) => {
      sgdReference(p, gs[i] as Float32Array, bs[i] as Float64Array, { ...hyper, lr, scale: scale ?? 1 });
    });
  }
  return ps.map((p) => Array.from(p));
}

const CASES: [string, SgdHyperparams, number | null][] = [
  ['momentum 0, no decay', { lr: 0.1, momentum: 0, nesterov: false, weightDecay: 0 }, null],
  ['momentum 0.9 with decay and a clip scale', { lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 1e-2 }, 0.37],
  ['nesterov with decay', { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4 }, null],
  ['nesterov with decay and a clip scale', { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 5e-3 }, 0.5],
];

describe.each(BACKENDS)('fusedSgdGroupUpdate on %s', (backendName) => {
  beforeAll(async () => {
    registerFusedKernels();
    await tf.setBackend(backendName);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  describe.each(CASES)('having %s', (_title, hyper, scale) => {
    describe('when run for three steps with the LR changing between them', () => {
      const lrs = [hyper.lr, hyper.lr * 2, hyper.lr / 3];
      it('should match SPEC §5 computed in float64', () => {
        const fused = runFused(hyper, scale, lrs);
        const expected = runReference(hyper, scale, lrs);
        fused.params.forEach((p, i) => {
          expect(maxRelDiff(p, expected[i] as number[])).toBeLessThan(TOL);
        });
      });
      it('should not read any tensor back to the host and leave no tensors behind', () => {
        const fused = runFused(hyper, scale, lrs);
        expect(fused.syncs).toBe(0);
        expect(fused.leaked).toBe(0);
      });
    });
  });

  describe('having apply = 0 (a skipped step)', () => {
    it('should leave params and buffers bit-identical', () => {
      const before = tf.memory().numTensors;
      const params = variables(SHAPES, randomArrays(SHAPES, 3));
      const buffers = variables(SHAPES, randomArrays(SHAPES, 4));
      const grads = tensors(SHAPES, randomArrays(SHAPES, 5));
      const apply = tf.scalar(0);
      const hyper = { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1 };
      const syncs = countSyncs(() => {
        fusedSgdGroupUpdate({ params, grads, buffers }, hyper, { gradScale: null, apply });
      });
      params.forEach((p, i) => {
        expect(Array.from(p.dataSync())).toEqual(Array.from(randomArrays(SHAPES, 3)[i] as Float32Array));
      });
      buffers.forEach((b, i) => {
        expect(Array.from(b.dataSync())).toEqual(Array.from(randomArrays(SHAPES, 4)[i] as Float32Array));
      });
      expect(syncs).toBe(0);
      tf.dispose([...params, ...buffers, ...grads, apply]);
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  describe('having another tensor that shares the parameter buffer (a clone)', () => {
    it('should write a new buffer and leave the clone unchanged', () => {
      const before = tf.memory().numTensors;
      const initial = randomArrays([[9]], 6)[0] as Float32Array;
      const [param] = variables([[9]], [initial]) as [tf.Variable];
      const snapshot = param.clone();
      const grad = tf.ones([9]);
      fusedSgdGroupUpdate(
        { params: [param], grads: [grad], buffers: [] },
        { lr: 0.5, momentum: 0, nesterov: false, weightDecay: 0 },
        { gradScale: null, apply: null },
      );
      expect(Array.from(snapshot.dataSync())).toEqual(Array.from(initial));
      expect(
        maxRelDiff(
          param.dataSync(),
          Array.from(initial, (x) => Math.fround(x - 0.5)),
        ),
      ).toBeLessThan(TOL);
      tf.dispose([param, snapshot, grad]);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
