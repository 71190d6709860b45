import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../../src/errors.js';
import type { NonFinitePolicy } from '../../../src/optim/clip.js';
import { type OptimizerAlgorithm, SolverOptimizer } from '../../../src/optim/SolverOptimizer.js';
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

/** How many times `fn` read tensor data from the backend (`readSync`/`read`: every dataSync and data goes through them). */
function countReads(fn: () => void): number {
  const backend = tf.backend() as unknown as { readSync: (...a: unknown[]) => unknown; read: (...a: unknown[]) => unknown };
  const { readSync, read } = backend;
  let count = 0;
  backend.readSync = (...a) => ((count += 1), readSync.apply(backend, a));
  backend.read = (...a) => ((count += 1), read.apply(backend, a));
  try {
    fn();
  } finally {
    backend.readSync = readSync;
    backend.read = read;
  }
  return count;
}

/** Two variables, one good step, then a step where `nf_w` gets `bad`. */
async function scenario(algorithm: OptimizerAlgorithm, nonFinite: NonFinitePolicy, bad: number) {
  const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2]), true, `nf_w_${algorithm}_${nonFinite}_${bad}`));
  const b = tf.tidy(() => tf.variable(tf.tensor1d([3]), true, `nf_b_${algorithm}_${nonFinite}_${bad}`));
  const optimizer = new SolverOptimizer({
    fused,
    algorithm,
    groups: [{ params: [w, b] }],
    lr: 0.1,
    momentum: algorithm === 'SGD' ? 0.9 : 0,
    clip: { clipType: 'full_model', clipValue: 1, nonFinite },
  });
  const apply = (gw: number[], gb: number[]): void => {
    tf.tidy(() => {
      optimizer.applyGradients({ [w.name]: tf.tensor1d(gw), [b.name]: tf.tensor1d(gb) });
    });
  };
  apply([0.5, -0.5], [0.25]);
  const before = (await optimizer.getWeights()).map((s) => ({ name: s.name, values: Array.from(s.tensor.dataSync()), tensor: s.tensor }));
  const params = [Array.from(w.dataSync()), Array.from(b.dataSync())];
  return { w, b, optimizer, apply, before, params, bad };
}

describe.each(IMPLEMENTATIONS)('SolverOptimizer non-finite gradients with %s', (_label, select) => {
  beforeEach(() => {
    fused = select;
  });
  describe.each<[OptimizerAlgorithm, number]>([
    ['SGD', NaN],
    ['SGD', Infinity],
    ['AdamW', NaN],
    ['Adam', -Infinity],
  ])('having %s with policy skip and a %s gradient', (algorithm, bad) => {
    describe('when the step runs', () => {
      it('should leave weights and every slot bit-identical and count the step as skipped', async () => {
        const s = await scenario(algorithm, 'skip', bad);
        s.apply([bad, 1], [1]);
        expect([Array.from(s.w.dataSync()), Array.from(s.b.dataSync())]).toEqual(s.params);
        const after = await s.optimizer.getWeights();
        const changed = after
          .slice(1)
          .filter(
            (a, i) => a.name !== 'tfjs-solver/skipped_steps' && Array.from(a.tensor.dataSync()).join() !== s.before[i + 1]!.values.join(),
          );
        expect(changed.map((c) => c.name)).toEqual([]);
        const stats = s.optimizer.lastStepStats()!;
        expect(stats.skipped.dataSync()[0]).toBe(1);
        expect(stats.skippedTotal.dataSync()[0]).toBe(1);
        expect(s.optimizer.iterations).toBe(2);
        // A good step afterwards applies again and is not counted.
        s.apply([0.5, 0.5], [0.5]);
        expect(Array.from(s.w.dataSync())).not.toEqual(s.params[0]);
        expect(s.optimizer.lastStepStats()!.skipped.dataSync()[0]).toBe(0);
        expect(s.optimizer.lastStepStats()!.skippedTotal.dataSync()[0]).toBe(1);
        s.optimizer.dispose();
        tf.dispose([s.w, s.b]);
      });
    });
  });

  describe('having policy error', () => {
    describe('when a gradient is NaN', () => {
      it('should throw SolverError(nonFinite) naming the variable, weights untouched', async () => {
        const s = await scenario('SGD', 'error', NaN);
        let syncs = -1;
        // The step itself neither throws nor reads the device: it is skipped on the device.
        syncs = countReads(() => {
          s.apply([1, 1], [NaN]);
        });
        expect(syncs).toBe(0);
        let error: unknown;
        try {
          await s.optimizer.settle((n) => `layer:${n}`);
        } catch (e) {
          error = e;
        }
        expect(SolverError.is(error, 'nonFinite')).toBe(true);
        expect((error as Error).message).toContain(`gradient of 'layer:${s.b.name}' is not finite`);
        expect([Array.from(s.w.dataSync()), Array.from(s.b.dataSync())]).toEqual(s.params);
        // Raised once: the next settle after a finite step passes.
        s.apply([1, 1], [1]);
        await s.optimizer.settle();
        s.optimizer.dispose();
        tf.dispose([s.w, s.b]);
      });
    });
  });

  describe('having policy none', () => {
    describe('when a gradient is NaN', () => {
      it('should apply it as is (the caller asked for it)', async () => {
        const s = await scenario('SGD', 'none', NaN);
        s.apply([NaN, 1], [1]);
        expect(Number.isNaN(s.w.dataSync()[0])).toBe(true);
        s.optimizer.dispose();
        tf.dispose([s.w, s.b]);
      });
    });
  });

  describe('having no clipping configured', () => {
    describe('when a gradient is NaN', () => {
      it('should still skip by default (the guard runs without clipping)', () => {
        const w = tf.tidy(() => tf.variable(tf.tensor1d([1]), true, 'guard_only'));
        const optimizer = new SolverOptimizer({ fused, groups: [{ params: [w] }], lr: 0.1 });
        tf.tidy(() => {
          optimizer.applyGradients({ guard_only: tf.tensor1d([NaN]) });
        });
        expect(w.dataSync()[0]).toBe(1);
        expect(optimizer.lastStepStats()!.clipped.dataSync()[0]).toBe(0);
        optimizer.dispose();
        w.dispose();
      });
    });
  });
});
