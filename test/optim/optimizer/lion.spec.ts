import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadConfig } from '../../../src/config/load.js';
import { SolverError } from '../../../src/errors.js';
import { memoryTextFileReader } from '../../../src/io/interfaces.js';
import { buildOptimizer } from '../../../src/optim/buildOptimizer.js';
import { getDefaultOptimizerParams } from '../../../src/optim/groups.js';
import { SolverOptimizer } from '../../../src/optim/SolverOptimizer.js';

let numTensors = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => {
  numTensors = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(numTensors);
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

let unique = 0;
const scalarVar = (value: number): tf.Variable => tf.tidy(() => tf.variable(tf.scalar(value), true, `lion_p${unique++}`));

/** Steps one scalar parameter through `grads`; returns p after each step. */
function run(options: { fused: boolean; lr: number; weightDecay: number; betas?: [number, number] }, grads: number[]): { ps: number[] } {
  const p = scalarVar(1);
  const optimizer = new SolverOptimizer({
    algorithm: 'Lion',
    fused: options.fused,
    groups: [{ params: [p], lr: options.lr, weightDecay: options.weightDecay }],
    ...(options.betas === undefined ? {} : { betas: options.betas }),
  });
  const ps = grads.map((g) => {
    tf.tidy(() => {
      optimizer.applyGradients({ [p.name]: tf.scalar(g) });
    });
    return p.dataSync()[0] as number;
  });
  optimizer.dispose();
  p.dispose();
  return { ps };
}

describe.each(['cpu', 'wasm'])('Lion on %s', (backendName) => {
  describe.each([false, true])('with fused %s', (fused) => {
    beforeAll(async () => {
      await tf.setBackend(backendName);
    });

    describe('having lr 0.1, decay 0.1, default betas (0.9, 0.99) and gradients 1, −2, 0.5', () => {
      it('should give the hand-computed 0.89, 0.9811, 0.871289', () => {
        // 1: c = 0.1 → +1;   p = 1 − 0.1·(1 + 0.1·1) = 0.89;            m = 0.01
        // 2: c = 0.009 − 0.2 = −0.191 → −1; p = 0.89 − 0.1·(−1 + 0.089) = 0.9811; m = 0.0099 − 0.02 = −0.0101
        // 3: c = −0.00909 + 0.05 = 0.04091 → +1; p = 0.9811 − 0.1·(1 + 0.09811) = 0.871289
        const { ps } = run({ fused, lr: 0.1, weightDecay: 0.1 }, [1, -2, 0.5]);
        expect(ps[0]).toBeCloseTo(0.89, 6);
        expect(ps[1]).toBeCloseTo(0.9811, 6);
        expect(ps[2]).toBeCloseTo(0.871289, 6);
      });
    });

    describe('having betas (0.5, 0.9) and gradients 1, −0.4', () => {
      it('should use the configured β1 for the direction: c2 = 0.5·0.1 − 0.2 = −0.15 → p = 0.9 + 0.1 = 1.0', () => {
        // 1: c = 0.5 → +1, p = 0.9; m = 0.1·1 = 0.1.  2: c = 0.05 − 0.2 = −0.15 → −1, p = 1.0
        // (with the default β1 0.9: c = 0.09 − 0.04 = 0.05 → +1, p = 0.8: the betas matter)
        const { ps } = run({ fused, lr: 0.1, weightDecay: 0, betas: [0.5, 0.9] }, [1, -0.4]);
        expect(ps[0]).toBeCloseTo(0.9, 6);
        expect(ps[1]).toBeCloseTo(1.0, 6);
      });
    });

    describe('having a zero gradient on the first step', () => {
      it('should only decay: sign(0) = 0, p = 1·(1 − 0.1·0.5) = 0.95', () => {
        const { ps } = run({ fused, lr: 0.1, weightDecay: 0.5 }, [0]);
        expect(ps[0]).toBeCloseTo(0.95, 6);
      });
    });

    describe('having two groups with their own LR and decay', () => {
      it('should step each by its group: 1 − 0.1·(1 + 0.1) = 0.89 and 1 + 0.2·1 = 1.2', () => {
        const a = scalarVar(1);
        const b = scalarVar(1);
        const optimizer = new SolverOptimizer({
          algorithm: 'Lion',
          fused,
          groups: [
            { params: [a], lr: 0.1, weightDecay: 0.1 },
            { params: [b], lr: 0.2, weightDecay: 0 },
          ],
        });
        tf.tidy(() => {
          optimizer.applyGradients({ [a.name]: tf.scalar(3), [b.name]: tf.scalar(-0.001) });
        });
        expect(a.dataSync()[0]).toBeCloseTo(0.89, 6);
        expect(b.dataSync()[0]).toBeCloseTo(1.2, 6);
        optimizer.dispose();
        tf.dispose([a, b]);
      });
    });

    describe('having its state saved by name after two steps and loaded into a new optimizer', () => {
      it('should name the momentum `<variable>/m` and continue exactly as the original', async () => {
        const p = scalarVar(1);
        const make = (): SolverOptimizer => new SolverOptimizer({ algorithm: 'Lion', fused, groups: [{ params: [p], lr: 0.1 }] });
        const original = make();
        for (const g of [1, -2]) {
          tf.tidy(() => {
            original.applyGradients({ [p.name]: tf.scalar(g) });
          });
        }
        const state = await original.getWeights();
        expect(state.map((s) => s.name)).toEqual(['iter', `${p.name}/m`, 'tfjs-solver/skipped_steps']);
        // m after 1, −2 with β2 0.99: 0.01 then 0.0099 − 0.02 = −0.0101.
        expect(state[1]?.tensor.dataSync()[0]).toBeCloseTo(-0.0101, 7);
        const restored = make();
        await restored.setWeights(state);
        const pBefore = p.dataSync()[0] as number;
        // g = 0.5: c = 0.9·(−0.0101) + 0.05 = 0.04091 → +1, so both optimizers move p by −0.1.
        tf.tidy(() => {
          restored.applyGradients({ [p.name]: tf.scalar(0.5) });
        });
        expect(p.dataSync()[0]).toBeCloseTo(pBefore - 0.1, 6);
        const [, mRestored] = await restored.getWeights();
        expect(mRestored?.tensor.dataSync()[0]).toBeCloseTo(0.99 * -0.0101 + 0.005, 7);
        original.dispose();
        restored.dispose();
        p.dispose();
      });
    });
  });
});

describe('Lion options', () => {
  it('should refuse betas outside [0, 1), naming the option', () => {
    const p = scalarVar(1);
    expect(() => new SolverOptimizer({ algorithm: 'Lion', groups: [{ params: [p], lr: 0.1 }], betas: [0.9, 1] })).toThrow(
      new SolverError('argument', 'betas: got [0.9, 1], expected two numbers in [0, 1)'),
    );
    p.dispose();
  });
});

describe('Lion from a YAML config', () => {
  afterEach(async () => {
    await tf.setBackend('cpu');
  });

  it.each(['cpu', 'wasm'])(
    'should train a model through buildOptimizer and model.fit on %s, with Lion’s default betas',
    async (backendName) => {
      await tf.setBackend(backendName);
      const yaml = ['SOLVER:', '  OPTIMIZER: Lion', '  BASE_LR: 0.01', '  WEIGHT_DECAY: 0.0', '  MAX_ITER: 20', ''].join('\n');
      const config = await loadConfig('lion.yaml', [], { reader: memoryTextFileReader({ 'lion.yaml': yaml }) });
      expect(config.SOLVER.BETAS).toBeNull();
      const model = tf.sequential({
        layers: [tf.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros', biasInitializer: 'zeros' })],
      });
      const optimizer = buildOptimizer(config, model);
      expect(optimizer.algorithm).toBe('Lion');
      expect(getDefaultOptimizerParams(model).length).toBeGreaterThan(0);
      model.compile({ optimizer, loss: 'meanSquaredError' });
      // y = 2·x0 − x1 + 0.5: every weight starts at 0, so Lion's sign steps move each by ±0.01 per batch.
      const xs = tf.tensor2d([1, 0, 0, 1, 1, 1, 2, 1], [4, 2]);
      const ys = tf.tensor2d([2.5, -0.5, 1.5, 3.5], [4, 1]);
      const history = await model.fit(xs, ys, { epochs: 20, batchSize: 4, shuffle: false });
      const losses = history.history.loss as number[];
      expect(losses[19]).toBeLessThan((losses[0] as number) * 0.8);
      // First step: every gradient is negative for the kernel's positive-target direction, so
      // kernel[0] moved by +0.01 (sign steps of size lr), whatever the gradient's magnitude.
      const kernel = (model.layers[0]?.getWeights()[0]?.dataSync() ?? new Float32Array()) as Float32Array;
      expect(Math.abs((kernel[0] as number) / 0.01 - Math.round((kernel[0] as number) / 0.01))).toBeLessThan(1e-3);
      tf.dispose([xs, ys]);
      model.dispose();
      optimizer.dispose();
    },
  );
});

describe('SolverOptimizer instanceof', () => {
  it('should be true for ours, false for tfjs’s own optimizers, and true for a copy carrying the shared brand', () => {
    const p = scalarVar(1);
    const ours = new SolverOptimizer({ groups: [{ params: [p] }], lr: 0.1 });
    const adam = tf.train.adam(0.1);
    const fromAnotherCopy = Object.defineProperty({}, Symbol.for('tfjs-solver.SolverOptimizer'), { value: true });
    expect(adam instanceof SolverOptimizer).toBe(false);
    expect(ours instanceof SolverOptimizer).toBe(true);
    expect(ours instanceof tf.Optimizer).toBe(true);
    expect(fromAnotherCopy instanceof SolverOptimizer).toBe(true);
    ours.dispose();
    adam.dispose();
    p.dispose();
  });

  it('should refuse an unknown algorithm, listing the registered rules', () => {
    const p = scalarVar(1);
    expect(() => new SolverOptimizer({ algorithm: 'RMSProp' as 'SGD', groups: [{ params: [p] }], lr: 0.1 })).toThrow(
      new SolverError('argument', "algorithm: got 'RMSProp', expected one of SGD, Adam, AdamW, Lion"),
    );
    p.dispose();
  });
});
