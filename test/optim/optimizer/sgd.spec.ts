import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
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

/** Applies a constant gradient `g` to one scalar variable for each LR in `lrs`; returns p after each step. */
function runScalar(options: { momentum: number; nesterov?: boolean; weightDecay?: number }, lrs: readonly number[], g = 1): number[] {
  const p = tf.tidy(() => tf.variable(tf.scalar(1), true, `p_${Math.random()}`));
  const optimizer = new SolverOptimizer({ fused, groups: [{ params: [p], lr: lrs[0]! }], ...options });
  const out: number[] = [];
  for (const lr of lrs) {
    optimizer.setLearningRates([lr]);
    tf.tidy(() => {
      optimizer.applyGradients({ [p.name]: tf.scalar(g) });
    });
    out.push(p.dataSync()[0]!);
  }
  optimizer.dispose();
  p.dispose();
  return out;
}

describe.each(IMPLEMENTATIONS)('SolverOptimizer (SGD) with %s', (_label, select) => {
  beforeEach(() => {
    fused = select;
  });
  describe('having momentum 0.9 and a constant gradient 1', () => {
    describe('when the LR drops from 0.1 to 0.01 after two steps', () => {
      it('should apply the new LR at once, the buffer unscaled (SPEC §5)', () => {
        // Hand derivation, p0 = 1, g = 1, b starts at g:
        // step 1: b = 1,             p = 1 − 0.1·1      = 0.9
        // step 2: b = 0.9·1 + 1 = 1.9, p = 0.9 − 0.1·1.9  = 0.71
        // step 3: b = 0.9·1.9 + 1 = 2.71, p = 0.71 − 0.01·2.71 = 0.6829
        const p = runScalar({ momentum: 0.9 }, [0.1, 0.1, 0.01]);
        expect(p[0]).toBeCloseTo(0.9, 6);
        expect(p[1]).toBeCloseTo(0.71, 6);
        expect(p[2]).toBeCloseTo(0.6829, 6);
      });
    });

    describe('when nesterov is on', () => {
      it('should step along g + μb', () => {
        // step 1: b = 1, d = 1 + 0.9·1 = 1.9, p = 1 − 0.1·1.9 = 0.81
        // step 2: b = 1.9, d = 1 + 0.9·1.9 = 2.71, p = 0.81 − 0.1·2.71 = 0.539
        const p = runScalar({ momentum: 0.9, nesterov: true }, [0.1, 0.1]);
        expect(p[0]).toBeCloseTo(0.81, 6);
        expect(p[1]).toBeCloseTo(0.539, 6);
      });
    });

    describe('when weight decay is 0.1', () => {
      it('should add λp to the gradient before the buffer', () => {
        // step 1: g = 1 + 0.1·1 = 1.1, b = 1.1, p = 1 − 0.11 = 0.89
        // step 2: g = 1 + 0.1·0.89 = 1.089, b = 0.9·1.1 + 1.089 = 2.079, p = 0.89 − 0.2079 = 0.6821
        const p = runScalar({ momentum: 0.9, weightDecay: 0.1 }, [0.1, 0.1]);
        expect(p[0]).toBeCloseTo(0.89, 6);
        expect(p[1]).toBeCloseTo(0.6821, 6);
      });
    });
  });

  describe('having momentum 0', () => {
    describe('when stepped', () => {
      it('should be plain SGD and keep no buffer', () => {
        const p = runScalar({ momentum: 0 }, [0.5, 0.5]);
        expect(p).toEqual([0.5, 0]);
      });
    });
  });

  describe.each([false, true])('having one group, no decay, constant LR (nesterov %s)', (nesterov) => {
    describe('when run for 20 steps on a quadratic loss', () => {
      it('should give the same weights as tf.train.momentum', () => {
        const init = tf.tensor2d([
          [0.5, -1.5],
          [2, 0.25],
        ]);
        const target = tf.tensor2d([
          [1, 2],
          [3, 4],
        ]);
        const ours = tf.variable(init, true, `ours_${nesterov}`);
        const ref = tf.variable(init, true, `ref_${nesterov}`);
        const loss = (w: tf.Variable) => () => tf.sum<tf.Scalar>(tf.square(tf.sub(tf.mul(w, w), target)));
        const optimizer = new SolverOptimizer({ fused, groups: [{ params: [ours] }], lr: 0.01, momentum: 0.9, nesterov });
        const reference = tf.train.momentum(0.01, 0.9, nesterov);
        for (let i = 0; i < 20; i++) {
          optimizer.minimize(loss(ours), false, [ours]);
          reference.minimize(loss(ref), false, [ref]);
        }
        const [a, b] = [ours.dataSync(), ref.dataSync()];
        a.forEach((x, i) => {
          expect(x).toBeCloseTo(b[i]!, 5);
        });
        expect(Array.from(a)).not.toEqual(Array.from(init.dataSync()));
        optimizer.dispose();
        reference.dispose();
        // tfjs 4.22 MomentumOptimizer.dispose() forgets SGDOptimizer's cached `c = keep(scalar(-lr))`
        // (momentum_optimizer.js dispose overrides without super.dispose()); free it so the count is ours.
        (reference as unknown as { c: tf.Tensor }).c.dispose();
        tf.dispose([init, target, ours, ref]);
      });
    });
  });

  describe('having several groups', () => {
    describe('when each group has its own LR and decay', () => {
      it('should update each variable with its group hyperparameters', () => {
        const a = tf.tidy(() => tf.variable(tf.scalar(1), true, 'group_a'));
        const b = tf.tidy(() => tf.variable(tf.scalar(1), true, 'group_b'));
        const optimizer = new SolverOptimizer({
          fused,
          groups: [
            { params: [a], lr: 0.1 },
            { params: ['group_b'], lr: 0.2, weightDecay: 0.5 },
          ],
          weightDecay: 0,
        });
        tf.tidy(() => {
          optimizer.applyGradients({ group_a: tf.scalar(1), group_b: tf.scalar(1) });
        });
        // a: 1 − 0.1·1 = 0.9; b: 1 − 0.2·(1 + 0.5·1) = 0.7
        expect(a.dataSync()[0]).toBeCloseTo(0.9, 6);
        expect(b.dataSync()[0]).toBeCloseTo(0.7, 6);
        expect(optimizer.baseLearningRates).toEqual([0.1, 0.2]);
        optimizer.setWeightDecays([0, 0]);
        optimizer.setLearningRates([0.01, 0.02]);
        expect(optimizer.paramGroups.map((g) => [g.lr, g.weightDecay])).toEqual([
          [0.01, 0],
          [0.02, 0],
        ]);
        expect(optimizer.baseLearningRates).toEqual([0.1, 0.2]);
        optimizer.dispose();
        tf.dispose([a, b]);
      });
    });
  });

  describe('when stepped', () => {
    it('should never read a tensor back from the device', () => {
      const p = tf.tidy(() => tf.variable(tf.tensor1d([1, 2]), true, 'nosync'));
      const optimizer = new SolverOptimizer({
        fused,
        groups: [{ params: [p] }],
        lr: 0.1,
        momentum: 0.9,
        clip: { clipType: 'full_model' },
      });
      const spies = [
        jest.spyOn(tf.Tensor.prototype, 'dataSync'),
        jest.spyOn(tf.Tensor.prototype, 'arraySync'),
        jest.spyOn(tf.Tensor.prototype, 'data'),
        jest.spyOn(tf.Tensor.prototype, 'array'),
      ];
      for (let i = 0; i < 3; i++) {
        tf.tidy(() => {
          optimizer.applyGradients({ nosync: tf.tensor1d([5, 5]) });
        });
      }
      for (const spy of spies) {
        expect(spy).not.toHaveBeenCalled();
        spy.mockRestore();
      }
      optimizer.dispose();
      p.dispose();
    });
  });
});
