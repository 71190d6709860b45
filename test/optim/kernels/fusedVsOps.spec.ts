import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { adamGroupUpdateOps, fusedAdamGroupUpdate } from '../../../src/optim/adam.js';
import { pNorm } from '../../../src/optim/clip.js';
import { fusedGradNorms } from '../../../src/optim/kernels/gradNorms.js';
import { registerFusedKernels } from '../../../src/optim/kernels/registry.js';
import type { AdamGroupUpdate, AdamHyperparams } from '../../../src/optim/adam.js';
import type { SgdGroupUpdate, SgdHyperparams } from '../../../src/optim/sgd.js';
import { fusedLionGroupUpdate, lionGroupUpdateOps, type LionHyperparams, type LionOptions } from '../../../src/optim/lion.js';
import type { UpdateRule } from '../../../src/optim/rule.js';
import { fusedSgdGroupUpdate, sgdGroupUpdateOps } from '../../../src/optim/sgd.js';
import { BACKENDS, maxRelDiff, randomArrays, SHAPES, tensors, variables } from './kernelTestKit.js';

/** Runs SGD steps with apply flags; returns params then buffers, flattened. */
function sgdRun(update: SgdGroupUpdate, hyper: SgdHyperparams, applies: readonly number[]): number[] {
  const params = variables(SHAPES, randomArrays(SHAPES, 31));
  const grads = tensors(SHAPES, randomArrays(SHAPES, 32));
  const buffers = hyper.momentum === 0 ? [] : SHAPES.map((s) => tf.tidy(() => tf.variable(tf.zeros(s))));
  const gradScale = tf.scalar(0.6);
  applies.forEach((a) => {
    const apply = tf.scalar(a);
    update({ params, grads, buffers }, hyper, { gradScale, apply });
    apply.dispose();
  });
  const out = [...params, ...buffers].flatMap((v) => Array.from(v.dataSync()));
  tf.dispose([...params, ...grads, ...buffers, gradScale]);
  return out;
}

/** Runs Adam steps with apply flags; returns params, m and v, flattened. */
function adamRun(update: AdamGroupUpdate, hyper: AdamHyperparams, applies: readonly number[]): number[] {
  const params = variables(SHAPES, randomArrays(SHAPES, 33));
  const grads = tensors(SHAPES, randomArrays(SHAPES, 34));
  const m = SHAPES.map((s) => tf.tidy(() => tf.variable(tf.zeros(s))));
  const v = SHAPES.map((s) => tf.tidy(() => tf.variable(tf.zeros(s))));
  const steps = SHAPES.map(() => tf.tidy(() => tf.variable(tf.scalar(0))));
  let applied = 0;
  applies.forEach((a) => {
    const apply = tf.scalar(a);
    // The host's count is exact here (this loop knows the flags): the next step's number.
    update({ params, grads, m, v, steps, hostSteps: steps.map(() => applied + 1) }, hyper, { gradScale: null, apply });
    applied += a;
    apply.dispose();
  });
  const out = [...params, ...m, ...v].flatMap((x) => Array.from(x.dataSync()));
  tf.dispose([...params, ...grads, ...m, ...v, ...steps]);
  return out;
}

const SGD_CASES: [string, SgdHyperparams][] = [
  ['plain SGD with decay', { lr: 0.1, momentum: 0, nesterov: false, weightDecay: 0.01 }],
  ['momentum', { lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0 }],
  ['nesterov with decay', { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }],
];
const ADAM_CASES: [string, AdamHyperparams][] = [
  ['AdamW', { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05, decoupled: true }],
  ['Adam', { lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.01, decoupled: false }],
];
const APPLIES = [1, 0, 1, 1];

describe.each(BACKENDS)('fused updates vs the plain-ops updates on %s', (backendName) => {
  beforeAll(async () => {
    registerFusedKernels();
    await tf.setBackend(backendName);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  describe.each(SGD_CASES)('having %s, a clip scale and a skipped step', (_title, hyper) => {
    it('should give the same params and buffers within float32 rounding', () => {
      const before = tf.memory().numTensors;
      const fused = sgdRun(fusedSgdGroupUpdate, hyper, APPLIES);
      const ops = sgdRun(sgdGroupUpdateOps, hyper, APPLIES);
      expect(maxRelDiff(fused, ops)).toBeLessThan(1e-6);
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  describe.each(ADAM_CASES)('having %s and a skipped step', (_title, hyper) => {
    it('should give the same params and moments within float32 rounding', () => {
      const before = tf.memory().numTensors;
      const fused = adamRun(fusedAdamGroupUpdate, hyper, APPLIES);
      const ops = adamRun(adamGroupUpdateOps, hyper, APPLIES);
      expect(maxRelDiff(fused, ops)).toBeLessThan(1e-5);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});

/** Runs Lion steps with apply flags and a clip scale; returns params then momenta, flattened. */
function lionRun(update: UpdateRule<LionOptions>['update'], hyper: LionHyperparams, applies: readonly number[]): number[] {
  const params = variables(SHAPES, randomArrays(SHAPES, 36));
  const grads = tensors(SHAPES, randomArrays(SHAPES, 37));
  const m = SHAPES.map((s) => tf.tidy(() => tf.variable(tf.zeros(s))));
  const gradScale = tf.scalar(0.7);
  applies.forEach((a) => {
    const apply = tf.scalar(a);
    update({ names: [], params, grads, slots: [m], steps: [] }, hyper, { gradScale, apply });
    apply.dispose();
  });
  const out = [...params, ...m].flatMap((x) => Array.from(x.dataSync()));
  tf.dispose([...params, ...grads, ...m, gradScale]);
  return out;
}

describe.each(BACKENDS)('fused Lion vs the plain-ops Lion on %s', (backendName) => {
  beforeAll(async () => {
    registerFusedKernels();
    await tf.setBackend(backendName);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  describe.each([
    ['decay 0.1', { lr: 0.01, beta1: 0.9, beta2: 0.99, weightDecay: 0.1 }],
    ['no decay, betas (0.8, 0.95)', { lr: 0.003, beta1: 0.8, beta2: 0.95, weightDecay: 0 }],
  ] as [string, LionHyperparams][])('having %s, a clip scale and a skipped step', (_title, hyper) => {
    it('should give the same params and momenta within float32 rounding', () => {
      const before = tf.memory().numTensors;
      const fused = lionRun(fusedLionGroupUpdate, hyper, [1, 1, 0, 1]);
      const ops = lionRun(lionGroupUpdateOps, hyper, [1, 1, 0, 1]);
      expect(maxRelDiff(fused, ops)).toBeLessThan(1e-6);
      // Not trivially equal: the params moved by about 3 sign steps of lr.
      const start = randomArrays(SHAPES, 36).flatMap((a) => Array.from(a));
      expect(maxRelDiff(fused.slice(0, start.length), start)).toBeGreaterThan(hyper.lr * 2);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});

describe.each(BACKENDS)("fusedGradNorms vs the clipper's pNorm on %s", (backendName) => {
  beforeAll(async () => {
    registerFusedKernels();
    await tf.setBackend(backendName);
  });

  describe.each([1, 2, 3, Infinity])('having p = %s', (p) => {
    it('should give the same per-tensor and global norms within float32 rounding', () => {
      const before = tf.memory().numTensors;
      const grads = tensors(SHAPES, randomArrays(SHAPES, 35));
      const fusedEach = fusedGradNorms(grads, p, false);
      const fusedGlobal = fusedGradNorms(grads, p);
      const [opsEach, opsGlobal] = tf.tidy(() => {
        const each = tf.stack(grads.map((g) => pNorm(g, p)));
        return [each, pNorm(each, p)];
      });
      expect(maxRelDiff(fusedEach.dataSync(), opsEach.dataSync())).toBeLessThan(1e-6);
      expect(maxRelDiff(fusedGlobal.dataSync(), opsGlobal.dataSync())).toBeLessThan(1e-6);
      tf.dispose([...grads, fusedEach, fusedGlobal, opsEach, opsGlobal]);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
