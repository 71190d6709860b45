import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { SolverOptimizer } from '../../../src/optim/SolverOptimizer.js';
import { IMPLEMENTATIONS } from './implementations.js';

/** The implementation the current describe.each block runs with (set in its beforeEach). */
let fused: boolean = IMPLEMENTATIONS[0]![1];

let numTensors = 0;
beforeEach(() => {
  numTensors = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(numTensors);
});

/**
 * PyTorch's Adam/AdamW for one scalar, in float64, written from torch.optim.Adam / AdamW's
 * documented algorithm (no tensors involved): the independent reference.
 */
function torchAdam(
  p0: number,
  grads: readonly number[],
  h: { lr: number; b1: number; b2: number; eps: number; wd: number; decoupled: boolean },
): number[] {
  let [p, m, v] = [p0, 0, 0];
  return grads.map((g0, i) => {
    const t = i + 1;
    let g = g0;
    if (h.decoupled) p = p * (1 - h.lr * h.wd);
    else g = g + h.wd * p;
    m = h.b1 * m + (1 - h.b1) * g;
    v = h.b2 * v + (1 - h.b2) * g * g;
    const stepSize = h.lr / (1 - h.b1 ** t);
    const denom = Math.sqrt(v) / Math.sqrt(1 - h.b2 ** t) + h.eps;
    p = p - stepSize * (m / denom);
    return p;
  });
}

function runOurs(algorithm: 'Adam' | 'AdamW', grads: readonly number[], wd: number): number[] {
  const p = tf.tidy(() => tf.variable(tf.scalar(1), true, `adam_${algorithm}_${wd}`));
  const optimizer = new SolverOptimizer({
    fused,
    algorithm,
    groups: [{ params: [p], lr: 0.1, weightDecay: wd }],
    betas: [0.9, 0.999],
    eps: 1e-8,
  });
  const out = grads.map((g) => {
    tf.tidy(() => {
      optimizer.applyGradients({ [p.name]: tf.scalar(g) });
    });
    return p.dataSync()[0]!;
  });
  optimizer.dispose();
  p.dispose();
  return out;
}

const GRADS = [0.5, -0.2, 1.0];

describe.each(IMPLEMENTATIONS)('SolverOptimizer (Adam, AdamW) with %s', (_label, select) => {
  beforeEach(() => {
    fused = select;
  });
  describe.each<['Adam' | 'AdamW', boolean]>([
    ['Adam', false],
    ['AdamW', true],
  ])('having algorithm %s, lr 0.1, weight decay 0.1', (algorithm, decoupled) => {
    describe('when stepped 3 times with gradients 0.5, −0.2, 1.0', () => {
      it("should follow PyTorch's formulas", () => {
        const expected = torchAdam(1, GRADS, { lr: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.1, decoupled });
        const ours = runOurs(algorithm, GRADS, 0.1);
        ours.forEach((x, i) => {
          expect(x).toBeCloseTo(expected[i]!, 5);
        });
      });
    });
  });

  describe('having the first step', () => {
    describe('when the bias correction makes m̂ = g and v̂ = g²', () => {
      it('should move Adam by lr·sign(g + λp) and AdamW by lr·sign(g) after decaying p', () => {
        // Adam: g' = 0.5 + 0.1·1 = 0.6, p = 1 − 0.1·0.6/(0.6 + 1e-8) ≈ 0.9
        expect(runOurs('Adam', [0.5], 0.1)[0]).toBeCloseTo(0.9, 6);
        // AdamW: p = 1·(1 − 0.1·0.1) − 0.1·0.5/(0.5 + 1e-8) ≈ 0.89
        expect(runOurs('AdamW', [0.5], 0.1)[0]).toBeCloseTo(0.89, 6);
      });
    });
  });

  describe('having no weight decay', () => {
    describe('when stepped 3 times', () => {
      it('should match tf.train.adam (same formulas up to where ε sits)', () => {
        const ours = runOurs('Adam', GRADS, 0);
        const p = tf.tidy(() => tf.variable(tf.scalar(1), true, 'tf_adam_ref'));
        const reference = tf.train.adam(0.1, 0.9, 0.999, 1e-8);
        const ref = GRADS.map((g) => {
          tf.tidy(() => {
            // AdamOptimizer types its map as NamedVariableMap but only reads the gradient tensors.
            // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
            reference.applyGradients({ tf_adam_ref: tf.scalar(g) as tf.Variable });
          });
          return p.dataSync()[0]!;
        });
        ours.forEach((x, i) => {
          expect(x).toBeCloseTo(ref[i]!, 5);
        });
        reference.dispose();
        p.dispose();
      });
    });
  });
});
