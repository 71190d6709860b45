import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../../src/errors.js';
import { HookList } from '../../../src/hooks/Hook.js';
import { buildGradientClipper, type Clipper } from '../../../src/optim/clip.js';
import { getDefaultOptimizerParams } from '../../../src/optim/groups.js';
import { SolverOptimizer, type SolverOptimizerOptions } from '../../../src/optim/SolverOptimizer.js';
import { FitCallback } from '../../../src/train/FitCallback.js';

let numTensors = 0;
beforeEach(() => {
  numTensors = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(numTensors);
});

/** y = x·W + b with W, b starting at zero, so the first gradient is known by hand. */
function linearModel(): tf.LayersModel {
  return tf.sequential({
    layers: [tf.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros', biasInitializer: 'zeros' })],
  });
}

// x = [[1, 2], [3, 4]], y = [[1], [2]], MSE. At W = 0, b = 0 the error is e = −y = [−1, −2], so
// dL/dW = (2/N)·xᵀe = [1·−1 + 3·−2, 2·−1 + 4·−2] = [−7, −10] and dL/db = (2/N)·Σe = −3.
const X = [
  [1, 2],
  [3, 4],
];
const Y = [[1], [2]];
const GRAD = [-7, -10, -3];

async function fitOnce(optimizer: (model: tf.LayersModel) => SolverOptimizer): Promise<number[]> {
  const model = linearModel();
  const opt = optimizer(model);
  model.compile({ optimizer: opt, loss: 'meanSquaredError' });
  const [x, y] = [tf.tensor2d(X), tf.tensor2d(Y)];
  await model.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false });
  const weights = model.getWeights().flatMap((w) => Array.from(w.dataSync()));
  tf.dispose([x, y]);
  model.dispose();
  opt.dispose();
  return weights;
}

/** Both step paths: the defaults (fused clipper and kernels on cpu), and plain tfjs ops throughout (tensorflow/webgl). */
const PATHS: [string, Partial<SolverOptimizerOptions>][] = [
  ['the default fused path', {}],
  ['the plain-ops path', { fused: false }],
];

describe('SolverOptimizer inside model.fit', () => {
  describe('having SGD lr 0.01 on a linear model', () => {
    describe('when fit for one batch', () => {
      it('should take the hand-derived step W ← W − lr·∇', async () => {
        const weights = await fitOnce((m) => new SolverOptimizer({ groups: getDefaultOptimizerParams(m), lr: 0.01 }));
        weights.forEach((w, i) => {
          expect(w).toBeCloseTo(-0.01 * GRAD[i]!, 6);
        });
      });
    });
  });

  describe.each(PATHS)('having full_model clipping at norm 1 on %s', (_path, path) => {
    describe('when the gradient norm is √158 ≈ 12.57', () => {
      it('should scale the step by 1 / (√158 + 1e-6) through the real fit path', async () => {
        const norm = Math.sqrt(49 + 100 + 9);
        const weights = await fitOnce(
          (m) =>
            new SolverOptimizer({
              ...path,
              groups: getDefaultOptimizerParams(m),
              lr: 0.01,
              clip: { clipType: 'full_model', clipValue: 1 },
            }),
        );
        weights.forEach((w, i) => {
          expect(w).toBeCloseTo((-0.01 * GRAD[i]!) / (norm + 1e-6), 6);
        });
        const stepNorm = Math.hypot(...weights) / 0.01;
        expect(stepNorm).toBeLessThanOrEqual(1 + 1e-5);
      });
    });
  });

  describe('having a custom clipper', () => {
    describe('when injected', () => {
      it('should be called by fit and its post-clip norm be at most the maximum', async () => {
        const inner = buildGradientClipper({ clipType: 'norm', clipValue: 2 });
        const seen: number[] = [];
        const spy: Clipper = {
          clip: (grads) => {
            const out = inner.clip(grads);
            // Test-only read-back: the spy measures what reaches the update ('norm' clipping: no gradScale).
            seen.push(Math.hypot(...Object.values(out.grads).flatMap((t) => Array.from(t.dataSync()))));
            return out;
          },
        };
        const weights = await fitOnce((m) => new SolverOptimizer({ groups: getDefaultOptimizerParams(m), lr: 0.01, clipper: spy }));
        expect(seen).toHaveLength(1);
        // Per-parameter norms after clipping are ≤ 2 each: kernel (‖[−7, −10]‖ ≈ 12.2 → 2), bias |−3| → 2.
        expect(seen[0]).toBeLessThanOrEqual(Math.hypot(2, 2) + 1e-5);
        expect(Math.hypot(weights[0]!, weights[1]!) / 0.01).toBeCloseTo(2, 4);
        expect(Math.abs(weights[2]!) / 0.01).toBeCloseTo(2, 4);
      });
    });
  });

  describe('having a model with BatchNormalization and nesterov momentum', () => {
    describe('when fit for 50 steps after a first one', () => {
      it('should keep the tensor count constant and decrease the loss', async () => {
        const model = tf.sequential({
          layers: [
            tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }),
            tf.layers.batchNormalization(),
            tf.layers.dense({ units: 1 }),
          ],
        });
        const optimizer = new SolverOptimizer({
          groups: getDefaultOptimizerParams(model, { baseLr: 0.05, weightDecay: 1e-4, weightDecayNorm: 0 }),
          momentum: 0.9,
          nesterov: true,
          clip: { clipType: 'full_model', clipValue: 5 },
        });
        model.compile({ optimizer, loss: 'meanSquaredError' });
        const x = tf.randomNormal([200, 4], 0, 1, 'float32', 1);
        const y = tf.tidy(() => tf.sum(x, 1, true));
        await model.fit(x, y, { epochs: 1, batchSize: 200 });
        const settled = tf.memory().numTensors;
        const history = await model.fit(x, y, { epochs: 50, batchSize: 200 });
        expect(tf.memory().numTensors).toBe(settled);
        const loss = history.history.loss as number[];
        expect(loss[49]).toBeLessThan(loss[0]! * 0.5);
        expect(optimizer.iterations).toBe(51);
        tf.dispose([x, y]);
        model.dispose();
        optimizer.dispose();
      });
    });
  });

  describe.each(PATHS)('having fitDataset (the train function runs outside tidy) on %s', (_path, path) => {
    describe('when fit for 50 batches with full_model clipping', () => {
      it('should keep the tensor count constant', async () => {
        const model = linearModel();
        const clip = { clipType: 'full_model', clipValue: 1 } as const;
        const optimizer = new SolverOptimizer({ ...path, groups: getDefaultOptimizerParams(model), lr: 0.01, momentum: 0.9, clip });
        model.compile({ optimizer, loss: 'meanSquaredError' });
        const dataset = tf.data.generator(function* () {
          for (let i = 0; i < 60; i++) yield { xs: tf.tensor2d(X), ys: tf.tensor2d(Y) };
        });
        // tf.data's Dataset and the one fitDataset declares are the same class from two typings.
        // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
        await model.fitDataset(dataset, { epochs: 1, batchesPerEpoch: 1 });
        const settled = tf.memory().numTensors;
        // tf.data's Dataset and the one fitDataset declares are the same class from two typings.
        // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
        await model.fitDataset(dataset, { epochs: 1, batchesPerEpoch: 50 });
        expect(tf.memory().numTensors).toBe(settled);
        expect(optimizer.iterations).toBe(51);
        model.dispose();
        optimizer.dispose();
      });
    });
  });

  describe('having model.save with includeOptimizer', () => {
    describe('when saved after one fit step', () => {
      it('should write the class name, the groups config and the name-keyed state, leaking nothing', async () => {
        const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], name: 'saved' })] });
        const optimizer = new SolverOptimizer({ groups: getDefaultOptimizerParams(model), lr: 0.01, momentum: 0.9 });
        model.compile({ optimizer, loss: 'meanSquaredError' });
        const [x, y] = [tf.tensor2d(X), tf.tensor2d(Y)];
        await model.fit(x, y, { epochs: 1, batchSize: 2 });
        let artifacts: tf.io.ModelArtifacts | undefined;
        await model.save(
          tf.io.withSaveHandler((a) => {
            artifacts = a;
            return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
          }),
          { includeOptimizer: true },
        );
        const config: { class_name?: string; config?: unknown } | undefined = artifacts?.trainingConfig?.optimizer_config;
        expect(config?.class_name).toBe('SolverOptimizer');
        expect(config?.config).toMatchObject({
          algorithm: 'SGD',
          momentum: 0.9,
          groups: [{ params: [{ name: 'saved/kernel' }, { name: 'saved/bias' }], lr: 0.01 }],
        });
        const optimizerSpecs = artifacts?.weightSpecs?.filter((w) => w.group === 'optimizer').map((w) => w.name);
        expect(optimizerSpecs).toEqual(['iter', 'saved/kernel/momentum', 'saved/bias/momentum', 'tfjs-solver/skipped_steps']);
        tf.dispose([x, y]);
        model.dispose();
        optimizer.dispose();
      });
    });
  });

  describe('having a custom loop with minimize', () => {
    describe('when stepped 50 times after a first step', () => {
      it('should keep the tensor count constant', () => {
        const model = linearModel();
        const optimizer = new SolverOptimizer({
          algorithm: 'AdamW',
          groups: getDefaultOptimizerParams(model, { baseLr: 0.01, weightDecay: 0.01 }),
        });
        const [x, y] = [tf.tensor2d(X), tf.tensor2d(Y)];
        const loss = (): tf.Scalar => tf.losses.meanSquaredError<tf.Tensor, tf.Scalar>(y, model.apply(x) as tf.Tensor);
        optimizer.minimize(loss);
        const settled = tf.memory().numTensors;
        for (let i = 0; i < 50; i++) optimizer.minimize(loss);
        expect(tf.memory().numTensors).toBe(settled);
        tf.dispose([x, y]);
        model.dispose();
        optimizer.dispose();
      });
    });
  });
});

describe('NONFINITE error through model.fit with the solver callback', () => {
  describe('having a layer whose variables tfjs renamed (hidden1/kernel_N) and a NaN input', () => {
    it('should skip the step on the device and raise after it, naming the layer weight hidden1/kernel', async () => {
      const make = (): tf.LayersModel =>
        tf.sequential({ layers: [tf.layers.dense({ name: 'hidden1', units: 1, inputShape: [2], kernelInitializer: 'ones' })] });
      const first = make(); // takes the names hidden1/kernel and hidden1/bias
      const model = make(); // gets hidden1/kernel_1 (or a higher suffix)
      expect(model.weights[0]?.name).not.toBe('hidden1/kernel');
      const optimizer = new SolverOptimizer({ groups: getDefaultOptimizerParams(model), lr: 0.1, nonFinite: 'error' });
      model.compile({ optimizer, loss: 'meanSquaredError' });
      const before = model.getWeights().map((w) => Array.from(w.dataSync()));
      const [x, y] = [tf.tensor2d([[NaN, 1]]), tf.tensor2d([[1]])];
      const callback = new FitCallback(new HookList([]), { maxIter: 5, model });
      let error: unknown;
      try {
        await callback.guard(model.fit(x, y, { epochs: 1, batchSize: 1, callbacks: callback }));
      } catch (e) {
        error = e;
      }
      expect(SolverError.is(error, 'nonFinite')).toBe(true);
      expect((error as Error).message).toContain("gradient of 'hidden1/kernel', 'hidden1/bias' is not finite");
      expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
      tf.dispose([x, y]);
      optimizer.dispose();
      model.dispose();
      first.dispose();
      // tfjs's fit disposes its batch slices (x and y) only after onBatchEnd returns; when a callback
      // throws they stay. Nothing else may remain.
      expect(tf.memory().numTensors - numTensors).toBe(2);
      numTensors = tf.memory().numTensors;
    });
  });
});
