import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { getDefaultOptimizerParams } from '../../../src/optim/groups.js';

/**
 * input → shared (Dense) → bn (BatchNormalization) → inner (nested Sequential: inner_dense, shared
 * again) → out (Dense). `shared` is reachable twice; its weights must appear once, at first place.
 */
function buildModel(): tf.LayersModel {
  const shared = tf.layers.dense({ units: 3, name: 'shared' });
  const inner = tf.sequential({
    name: 'inner',
    layers: [tf.layers.dense({ units: 3, inputShape: [3], name: 'inner_dense' }), shared],
  });
  const input = tf.input({ shape: [3] });
  let x = shared.apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn' }).apply(x) as tf.SymbolicTensor;
  x = inner.apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, name: 'out' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

describe('getDefaultOptimizerParams on a tf.LayersModel', () => {
  let model: tf.LayersModel;
  let numTensors: number;
  beforeAll(() => {
    numTensors = tf.memory().numTensors;
    model = buildModel();
  });
  afterAll(() => {
    model.dispose();
    expect(tf.memory().numTensors).toBe(numTensors);
  });

  describe('having Dense, BatchNormalization, a nested model and a shared layer', () => {
    describe('when called with weightDecayNorm 0 and biasLrFactor 2', () => {
      it('should group the tf.Variables by name, BN moving stats out, shared weights once', () => {
        const before = tf.memory().numTensors;
        const groups = getDefaultOptimizerParams(model, { baseLr: 0.1, weightDecay: 1e-4, weightDecayNorm: 0, biasLrFactor: 2 });
        const named = groups.map((g) => ({ ...g, params: g.params.map((v) => v.name) }));
        expect(named).toEqual([
          { lr: 0.1, weightDecay: 1e-4, params: ['shared/kernel', 'inner_dense/kernel', 'out/kernel'] },
          { lr: 0.1 * 2, weightDecay: 1e-4, params: ['shared/bias', 'inner_dense/bias', 'out/bias'] },
          { lr: 0.1, weightDecay: 0, params: ['bn/gamma'] },
          { lr: 0.1 * 2, weightDecay: 0, params: ['bn/beta'] },
        ]);
        expect(tf.memory().numTensors).toBe(before);
      });

      it('should give the same tf.Variable objects the gradient map is keyed by', () => {
        const groups = getDefaultOptimizerParams(model);
        const variables = groups.flatMap((g) => g.params);
        // model.trainableWeights lists the shared layer's weights twice; compare with the distinct ones.
        const trainable = [...new Set(model.trainableWeights.map((w) => w.read()))];
        expect(variables).toHaveLength(trainable.length);
        for (const v of variables) expect(trainable).toContain(v);
      });
    });

    describe('when lrFactorFunc reads the full names', () => {
      it('should see layer paths joined by `.`, the nested layer under its model', () => {
        const names: string[] = [];
        getDefaultOptimizerParams(model, { baseLr: 1, lrFactorFunc: (n) => (names.push(n), 1) });
        expect(names).toEqual([
          'shared.kernel',
          'shared.bias',
          'bn.gamma',
          'bn.beta',
          'inner.inner_dense.kernel',
          'inner.inner_dense.bias',
          'out.kernel',
          'out.bias',
        ]);
      });
    });

    describe('when an override is keyed by the tfjs name `kernel`', () => {
      it('should hit every kernel and not gamma', () => {
        const groups = getDefaultOptimizerParams(model, { baseLr: 1, overrides: { kernel: { lr: 5 } } });
        expect(groups.map((g) => ({ lr: g.lr, params: g.params.map((v) => v.name) }))).toEqual([
          { lr: 5, params: ['shared/kernel', 'inner_dense/kernel', 'out/kernel'] },
          { lr: 1, params: ['shared/bias', 'bn/gamma', 'bn/beta', 'inner_dense/bias', 'out/bias'] },
        ]);
      });
    });
  });

  describe('having a frozen layer', () => {
    describe('when its trainable flag is false', () => {
      it('should leave its weights out', () => {
        const frozen = tf.sequential({
          layers: [
            tf.layers.dense({ units: 2, inputShape: [2], name: 'frozen', trainable: false }),
            tf.layers.dense({ units: 1, name: 'head' }),
          ],
        });
        const groups = getDefaultOptimizerParams(frozen);
        expect(groups.map((g) => g.params.map((v) => v.name))).toEqual([['head/kernel', 'head/bias']]);
        frozen.dispose();
      });
    });
  });
});
