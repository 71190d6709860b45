import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CONFIG, type SolverConfig, type SolverSection } from '../../src/config/schema.js';
import { buildOptimizer } from '../../src/optim/buildOptimizer.js';
import type { Clipper } from '../../src/optim/clip.js';
import type { ModuleData } from '../../src/optim/groups.js';

let numTensors = 0;
beforeEach(() => {
  numTensors = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(numTensors);
});

/** A config with some SOLVER keys changed (the defaults are frozen, so copy). */
function config(solver: Partial<SolverSection>): Pick<SolverConfig, 'SOLVER'> {
  return { SOLVER: { ...DEFAULT_CONFIG.SOLVER, ...solver } };
}

/** Plain module data whose params are variable names: groups are checked without tensors. */
const MODULES: readonly ModuleData<string>[] = [
  {
    name: 'conv',
    type: 'Conv2D',
    params: [
      { name: 'kernel', value: 'conv/kernel' },
      { name: 'bias', value: 'conv/bias' },
    ],
  },
  {
    name: 'bn',
    type: 'BatchNormalization',
    params: [
      { name: 'gamma', value: 'bn/gamma' },
      { name: 'beta', value: 'bn/beta' },
    ],
  },
];

describe(buildOptimizer, () => {
  describe('having the default config', () => {
    describe('when built', () => {
      it('should give SGD with BASE_LR, WEIGHT_DECAY, and WEIGHT_DECAY_NORM 0 for BN (SPEC §2)', () => {
        const optimizer = buildOptimizer(DEFAULT_CONFIG, MODULES);
        expect(optimizer.paramGroups).toEqual([
          { names: ['conv/kernel', 'conv/bias'], baseLr: 0.001, lr: 0.001, weightDecay: 0.0001 },
          { names: ['bn/gamma', 'bn/beta'], baseLr: 0.001, lr: 0.001, weightDecay: 0 },
        ]);
        expect(optimizer.getConfig()).toMatchObject({ algorithm: 'SGD', momentum: 0.9, nesterov: false, clip: null, nonFinite: 'skip' });
        optimizer.dispose();
      });
    });
  });

  describe('having BIAS_LR_FACTOR 2 and WEIGHT_DECAY_BIAS 0', () => {
    describe('when built', () => {
      it('should split biases (tfjs bias and beta) into their own group', () => {
        const optimizer = buildOptimizer(
          config({ BASE_LR: 0.02, BIAS_LR_FACTOR: 2, WEIGHT_DECAY_BIAS: 0, WEIGHT_DECAY_NORM: 0.5 }),
          MODULES,
        );
        expect(optimizer.paramGroups.map((g) => [g.names, g.lr, g.weightDecay])).toEqual([
          [['conv/kernel'], 0.02, 0.0001],
          [['conv/bias', 'bn/beta'], 0.04, 0],
          [['bn/gamma'], 0.02, 0.5],
        ]);
        optimizer.dispose();
      });
    });
  });

  describe('having OPTIMIZER AdamW', () => {
    describe('when built with NESTEROV true', () => {
      it('should take BETAS and EPS and ignore the SGD-only keys', () => {
        const optimizer = buildOptimizer(config({ OPTIMIZER: 'AdamW', BETAS: [0.8, 0.99], EPS: 1e-6, NESTEROV: true }), MODULES);
        expect(optimizer.getConfig()).toMatchObject({ algorithm: 'AdamW', betas: [0.8, 0.99], eps: 1e-6 });
        expect(optimizer.getConfig()).not.toHaveProperty('momentum');
        optimizer.dispose();
      });
    });
  });

  describe('having CLIP_GRADIENTS enabled', () => {
    describe('when built', () => {
      it('should clip with CLIP_TYPE, CLIP_VALUE, NORM_TYPE and NONFINITE', () => {
        const clip = { ENABLED: true, CLIP_TYPE: 'full_model', CLIP_VALUE: 5, NORM_TYPE: Infinity, NONFINITE: 'error' } as const;
        const optimizer = buildOptimizer(config({ CLIP_GRADIENTS: clip }), MODULES);
        expect(optimizer.getConfig()).toMatchObject({
          // JSON has no Infinity: the serializable config writes it as in YAML, 'inf'.
          clip: { clipType: 'full_model', clipValue: 5, normType: 'inf', nonFinite: 'error' },
          nonFinite: 'error',
        });
        optimizer.dispose();
      });
    });

    describe('when a custom clipper is injected', () => {
      it('should use it for every step', () => {
        const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 1]), true, 'injected_w'));
        let calls = 0;
        const clipper: Clipper = {
          clip: (grads) => {
            calls += 1;
            const zeros = Object.fromEntries(Object.keys(grads).map((n) => [n, tf.zerosLike(grads[n]!)]));
            const one = tf.scalar(1);
            return { grads: zeros, gradScale: null, stats: { norm: tf.scalar(0), finite: one, clipped: one } };
          },
        };
        const modules: ModuleData<string>[] = [{ name: 'd', type: 'Dense', params: [{ name: 'kernel', value: 'injected_w' }] }];
        const optimizer = buildOptimizer(config({ CLIP_GRADIENTS: { ...DEFAULT_CONFIG.SOLVER.CLIP_GRADIENTS, ENABLED: true } }), modules, {
          clipper,
        });
        tf.tidy(() => {
          optimizer.applyGradients({ injected_w: tf.tensor1d([5, 5]) });
        });
        expect(calls).toBe(1);
        // Zero gradient + weight decay 1e-4 + momentum: w = 1 − 0.001·(0 + 1e-4·1) = 0.9999999
        Array.from(w.dataSync()).forEach((x) => {
          expect(x).toBeCloseTo(1 - 0.001 * 1e-4, 7);
        });
        optimizer.dispose();
        w.dispose();
      });
    });
  });

  describe('having a tf.LayersModel', () => {
    describe('when built', () => {
      it('should group its variables by their unique names', () => {
        const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], name: 'bo_dense' })] });
        const optimizer = buildOptimizer(DEFAULT_CONFIG, model);
        expect(optimizer.paramGroups.map((g) => g.names)).toEqual([['bo_dense/kernel', 'bo_dense/bias']]);
        optimizer.dispose();
        model.dispose();
      });
    });
  });
});

describe('buildOptimizer reducer', () => {
  describe('having a reducer that halves every gradient', () => {
    describe('when the optimizer steps', () => {
      it('should apply the reduced gradient before clipping (SGD lr 0.1: 1 − 0.1·(4/2) = 0.8)', () => {
        const w = tf.tidy(() => tf.variable(tf.scalar(1), true, 'reducer_w'));
        const optimizer = buildOptimizer(
          config({ BASE_LR: 0.1, MOMENTUM: 0, WEIGHT_DECAY: 0 }),
          [{ name: 'lin', type: 'Linear', params: [{ name: 'weight', value: w }] }],
          {
            reducer: { reduce: (grads) => Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, tf.div(g, 2)])) },
          },
        );
        tf.tidy(() => {
          optimizer.applyGradients({ reducer_w: tf.scalar(4) });
        });
        expect(w.dataSync()[0]).toBeCloseTo(0.8, 6);
        optimizer.dispose();
        w.dispose();
      });
    });
  });
});
