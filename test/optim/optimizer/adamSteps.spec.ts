import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { SolverError } from '../../../src/errors.js';
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
const variable = (values: number[]): tf.Variable => tf.tidy(() => tf.variable(tf.tensor1d(values), true, `adam_steps_${unique++}`));

/** AdamW in float64 (PyTorch's formulas), `steps` times with the same gradient, no decay. */
function adamWReference(p0: number, g: number, steps: number, lr: number, b1: number, b2: number, eps: number): number {
  let [p, m, v] = [p0, 0, 0];
  for (let t = 1; t <= steps; t++) {
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    p -= (lr / (1 - b1 ** t)) * (m / (Math.sqrt(v) / Math.sqrt(1 - b2 ** t) + eps));
  }
  return p;
}

/** SGD with momentum in float64, `steps` times with the same gradient. */
function sgdReference(p0: number, g: number, steps: number, lr: number, mu: number): number {
  let [p, b] = [p0, 0];
  for (let t = 1; t <= steps; t++) {
    b = mu * b + g;
    p -= lr * b;
  }
  return p;
}

const relErr = (got: ArrayLike<number>, want: readonly number[]): number =>
  Math.max(...want.map((w, i) => Math.abs((got[i] as number) - w) / Math.abs(w)));

describe.each(['cpu', 'wasm'])('Adam/AdamW step counts on %s', (backendName) => {
  beforeAll(async () => {
    await tf.setBackend(backendName);
  });

  describe.each([false, true])('with fused %s', (fused) => {
    describe('having one group [a, b] where step 0 has a gradient only for a (AdamW lr 0.1, no decay)', () => {
      it('should count b’s first update as its step 1, as PyTorch: b = 0.9000000, a = 0.8', async () => {
        // PyTorch counts steps per parameter: b's first update has t = 1, m̂ = g, v̂ = g², so
        // b = 1 − 0.1·1/(1 + 1e-8) = 0.9. Counting per group (t = 2 for b) gives 0.9255863.
        // a: t = 1 → 0.9; t = 2: m̂ = 0.19/0.19 = 1, v̂ = 0.001999/0.001999 = 1 → 0.8.
        const a = variable([1]);
        const b = variable([1]);
        const optimizer = new SolverOptimizer({
          algorithm: 'AdamW',
          fused,
          groups: [{ params: [a, b] }],
          lr: 0.1,
          betas: [0.9, 0.999],
          eps: 1e-8,
        });
        tf.tidy(() => {
          optimizer.applyGradients({ [a.name]: tf.tensor1d([1]) });
        });
        tf.tidy(() => {
          optimizer.applyGradients({ [a.name]: tf.tensor1d([1]), [b.name]: tf.tensor1d([1]) });
        });
        expect(b.dataSync()[0]).toBeCloseTo(0.9, 7);
        expect(a.dataSync()[0]).toBeCloseTo(0.8, 6);
        const state = new Map((await optimizer.getWeights()).map((s) => [s.name, s.tensor.dataSync()[0]]));
        expect([state.get(`${a.name}/step`), state.get(`${b.name}/step`)]).toEqual([2, 1]);
        optimizer.dispose();
        tf.dispose([a, b]);
      });
    });

    describe('having 60 steps of a fixed gradient', () => {
      it('should stay as close to the float64 reference as SGD does (bias corrections on the host)', () => {
        const p0 = [0.5, -1.25, 2, 0.75];
        const g = [0.3, -0.02, 1.5, 1e-3];
        const w = variable(p0);
        const s = variable(p0);
        const adamW = new SolverOptimizer({ algorithm: 'AdamW', fused, groups: [{ params: [w] }], lr: 1e-3 });
        const sgd = new SolverOptimizer({ fused, groups: [{ params: [s] }], lr: 1e-3, momentum: 0.9 });
        for (let i = 0; i < 60; i++) {
          tf.tidy(() => {
            adamW.applyGradients({ [w.name]: tf.tensor1d(g) });
            sgd.applyGradients({ [s.name]: tf.tensor1d(g) });
          });
        }
        const adamErr = relErr(
          w.dataSync(),
          p0.map((p, i) => adamWReference(p, g[i] as number, 60, 1e-3, 0.9, 0.999, 1e-8)),
        );
        const sgdErr = relErr(
          s.dataSync(),
          p0.map((p, i) => sgdReference(p, g[i] as number, 60, 1e-3, 0.9)),
        );
        // float32 noise only: measured 2.4e-6 for AdamW (each step moves p by ~lr, rounded to float32) and 3e-7 for SGD.
        expect(adamErr).toBeLessThan(1e-5);
        expect(sgdErr).toBeLessThan(1e-5);
        adamW.dispose();
        sgd.dispose();
        tf.dispose([w, s]);
      });
    });

    describe('having three steps under NONFINITE none, then getWeights', () => {
      it('should save step 3 for the parameter (the fused update keeps no device count; getWeights writes the host’s)', async () => {
        const a = variable([1, 2]);
        const optimizer = new SolverOptimizer({ algorithm: 'Adam', fused, nonFinite: 'none', groups: [{ params: [a] }], lr: 0.01 });
        for (let i = 0; i < 3; i++) {
          tf.tidy(() => {
            optimizer.applyGradients({ [a.name]: tf.tensor1d([0.5, -1]) });
          });
        }
        const weights = await optimizer.getWeights();
        const step = weights.find((w) => w.name === `${a.name}/step`);
        expect(step === undefined ? null : Array.from(await step.tensor.data())).toEqual([3]);
        optimizer.dispose();
        a.dispose();
      });
    });

    describe('having a skipped step that the host has not read back yet', () => {
      it('should still use the applied-step count (2 steps applied of 3): same as an optimizer that never saw the NaN', async () => {
        const a = variable([1, 2]);
        const ref = variable([1, 2]);
        const skipping = new SolverOptimizer({ algorithm: 'Adam', fused, groups: [{ params: [a] }], lr: 0.01 });
        const clean = new SolverOptimizer({ algorithm: 'Adam', fused, groups: [{ params: [ref] }], lr: 0.01 });
        for (const g of [
          [0.5, -1],
          [NaN, 1],
          [0.25, 2],
        ]) {
          tf.tidy(() => {
            skipping.applyGradients({ [a.name]: tf.tensor1d(g) });
            if (!g.some(Number.isNaN)) clean.applyGradients({ [ref.name]: tf.tensor1d(g) });
          });
        }
        // Within float32 rounding (the device's own count then feeds the corrections); counting the
        // skipped step would move the params by about 1e-3.
        expect(relErr(a.dataSync(), Array.from(ref.dataSync()))).toBeLessThan(1e-6);
        // After syncStepCounts() the host knows about the skip; the next step still agrees.
        await skipping.syncStepCounts();
        tf.tidy(() => {
          skipping.applyGradients({ [a.name]: tf.tensor1d([1, 1]) });
          clean.applyGradients({ [ref.name]: tf.tensor1d([1, 1]) });
        });
        expect(relErr(a.dataSync(), Array.from(ref.dataSync()))).toBeLessThan(1e-6);
        skipping.dispose();
        clean.dispose();
        tf.dispose([a, ref]);
      });
    });
  });
});

describe('AdamW on a backend whose pow loses precision (as webgl’s: 5e-5 relative)', () => {
  const original = tf.getKernel('Pow', 'cpu');
  beforeAll(async () => {
    await tf.setBackend('cpu');
    tf.unregisterKernel('Pow', 'cpu');
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        const exact = original.kernelFunc(args) as tf.TensorInfo;
        const backend = args.backend as { data: { get(id: unknown): { values: Float32Array } } };
        const values = backend.data.get(exact.dataId).values;
        for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) * (1 + 5e-5);
        return exact;
      },
    });
  });
  afterAll(() => {
    tf.unregisterKernel('Pow', 'cpu');
    tf.registerKernel(original);
  });

  it('should still match the float64 reference within 1e-5 after 60 steps on the plain-ops path (no pow on the device)', () => {
    const p0 = [0.5, -1.25, 2, 0.75];
    const g = [0.3, -0.02, 1.5, 1e-3];
    const w = variable(p0);
    const adamW = new SolverOptimizer({ algorithm: 'AdamW', fused: false, groups: [{ params: [w] }], lr: 1e-3, nonFinite: 'none' });
    for (let i = 0; i < 60; i++) {
      tf.tidy(() => {
        adamW.applyGradients({ [w.name]: tf.tensor1d(g) });
      });
    }
    const want = p0.map((p, i) => adamWReference(p, g[i] as number, 60, 1e-3, 0.9, 0.999, 1e-8));
    expect(relErr(w.dataSync(), want)).toBeLessThan(1e-5);
    // The noisy pow is really in use: 1 − 0.999^t computed with it is 5e-5·0.999^t off.
    const t = tf.tidy(() => tf.pow(0.999, 1).dataSync()[0] as number);
    expect(Math.abs(t / 0.999 - 1)).toBeGreaterThan(4e-5);
    adamW.dispose();
    w.dispose();
  });
});

describe('Adam state written with one step count per group', () => {
  it('should load it by giving every variable of the group the group’s count', async () => {
    const a = variable([1]);
    const b = variable([2]);
    const optimizer = new SolverOptimizer({ algorithm: 'Adam', groups: [{ params: [a, b] }], lr: 0.1 });
    const old = [
      { name: 'iter', tensor: tf.scalar(7) },
      { name: `${a.name}/m`, tensor: tf.tensor1d([0.1]) },
      { name: `${b.name}/m`, tensor: tf.tensor1d([0.2]) },
      { name: `${a.name}/v`, tensor: tf.tensor1d([0.01]) },
      { name: `${b.name}/v`, tensor: tf.tensor1d([0.04]) },
      { name: `${a.name}/step`, tensor: tf.scalar(5) },
      { name: 'tfjs-solver/skipped_steps', tensor: tf.scalar(0) },
    ];
    await optimizer.setWeights(old);
    const state = new Map((await optimizer.getWeights()).map((s) => [s.name, s.tensor.dataSync()[0]]));
    expect([state.get(`${a.name}/step`), state.get(`${b.name}/step`)]).toEqual([5, 5]);
    tf.dispose(old.map((s) => s.tensor));
    optimizer.dispose();
    tf.dispose([a, b]);
  });

  it('should refuse state with no step count at all, naming the missing slots', async () => {
    const a = variable([1]);
    const optimizer = new SolverOptimizer({ algorithm: 'AdamW', groups: [{ params: [a] }], lr: 0.1 });
    const state = [
      { name: 'iter', tensor: tf.scalar(1) },
      { name: `${a.name}/m`, tensor: tf.tensor1d([0.1]) },
      { name: `${a.name}/v`, tensor: tf.tensor1d([0.01]) },
      { name: 'tfjs-solver/skipped_steps', tensor: tf.scalar(0) },
    ];
    await expect(optimizer.setWeights(state)).rejects.toThrow(
      new SolverError(
        'state',
        `optimizer state does not match this model's variables: in the state but not the model: none; in the model but not the state: '${a.name}/step'`,
      ),
    );
    tf.dispose(state.map((s) => s.tensor));
    optimizer.dispose();
    a.dispose();
  });
});
