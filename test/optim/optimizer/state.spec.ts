import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../../src/errors.js';
import { SolverOptimizer, type SolverOptimizerOptions } from '../../../src/optim/SolverOptimizer.js';

let numTensors = 0;
beforeEach(() => {
  numTensors = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(numTensors);
});

function vars(...names: string[]): tf.Variable[] {
  return names.map((n, i) => tf.tidy(() => tf.variable(tf.fill([2], i + 1), true, n)));
}

function step(optimizer: SolverOptimizer, names: readonly string[], g: number): void {
  tf.tidy(() => {
    optimizer.applyGradients(Object.fromEntries(names.map((n) => [n, tf.fill([2], g)])));
  });
}

describe('SolverOptimizer state', () => {
  describe.each<[string, Partial<SolverOptimizerOptions>]>([
    ['SGD with momentum', { momentum: 0.9 }],
    ['AdamW', { algorithm: 'AdamW', weightDecay: 0.01 }],
  ])('having %s', (_, extra) => {
    describe('when its state is saved after 2 steps and loaded into a fresh optimizer', () => {
      it('should continue exactly as the original', async () => {
        const [a, b] = vars('st_a', 'st_b');
        const make = (): SolverOptimizer =>
          new SolverOptimizer({ groups: [{ params: ['st_a'] }, { params: ['st_b'], lr: 0.2 }], lr: 0.1, ...extra });
        const original = make();
        step(original, ['st_a', 'st_b'], 1);
        step(original, ['st_a', 'st_b'], -2);
        const saved = await original.getWeights();
        const snapshot = saved.map((w) => ({ name: w.name, tensor: w.tensor.clone() }));
        const restored = make();
        await restored.setWeights(snapshot);
        expect(restored.iterations).toBe(2);
        const start = [a!.clone(), b!.clone()];
        step(original, ['st_a', 'st_b'], 3);
        const afterOriginal = [a!.dataSync().slice(), b!.dataSync().slice()];
        a!.assign(start[0]!);
        b!.assign(start[1]!);
        step(restored, ['st_a', 'st_b'], 3);
        expect(Array.from(a!.dataSync())).toEqual(Array.from(afterOriginal[0]!));
        expect(Array.from(b!.dataSync())).toEqual(Array.from(afterOriginal[1]!));
        expect(saved.map((w) => w.name)).toContain('st_a/' + (extra.algorithm === 'AdamW' ? 'm' : 'momentum'));
        tf.dispose([...snapshot.map((s) => s.tensor), ...start]);
        original.dispose();
        restored.dispose();
        tf.dispose([a!, b!]);
      });
    });
  });

  describe('having state saved with the variables in another order (a reordered model)', () => {
    describe('when loaded', () => {
      it('should give each variable its own slot, by name, not by position', async () => {
        const [a, b] = vars('ro_a', 'ro_b');
        const source = new SolverOptimizer({ groups: [{ params: ['ro_a', 'ro_b'] }], lr: 0.1, momentum: 0.9 });
        // Different gradients per variable, so the buffers differ: ro_a's is 1, ro_b's is 5 (b = g on step 1).
        tf.tidy(() => {
          source.applyGradients({ ro_a: tf.fill([2], 1), ro_b: tf.fill([2], 5) });
        });
        const saved = await source.getWeights();
        const target = new SolverOptimizer({ groups: [{ params: ['ro_b'] }, { params: ['ro_a'], lr: 0.2 }], lr: 0.1, momentum: 0.9 });
        await target.setWeights(saved);
        const loaded = Object.fromEntries((await target.getWeights()).map((w) => [w.name, Array.from(w.tensor.dataSync())]));
        expect(loaded['ro_a/momentum']).toEqual([1, 1]);
        expect(loaded['ro_b/momentum']).toEqual([5, 5]);
        source.dispose();
        target.dispose();
        tf.dispose([a!, b!]);
      });
    });
  });

  describe('having state saved for other variables', () => {
    describe('when loaded', () => {
      it('should throw SolverError(state) naming them and change nothing', async () => {
        const [a, b, c] = vars('mm_a', 'mm_b', 'mm_c');
        const source = new SolverOptimizer({ groups: [{ params: ['mm_a', 'mm_b'] }], lr: 0.1, momentum: 0.9 });
        step(source, ['mm_a', 'mm_b'], 1);
        const saved = await source.getWeights();
        const target = new SolverOptimizer({ groups: [{ params: ['mm_a', 'mm_c'] }], lr: 0.1, momentum: 0.9 });
        let error: unknown;
        await target.setWeights(saved).catch((e: unknown) => {
          error = e;
        });
        expect(SolverError.is(error, 'state')).toBe(true);
        expect((error as Error).message).toBe(
          "optimizer state does not match this model's variables: in the state but not the model: 'mm_b/momentum'; " +
            "in the model but not the state: 'mm_c/momentum'",
        );
        expect(target.iterations).toBe(0);
        source.dispose();
        target.dispose();
        tf.dispose([a!, b!, c!]);
      });
    });

    describe('when a slot has the wrong shape', () => {
      it('should throw SolverError(state) naming the slot and both shapes', async () => {
        const [a] = vars('shape_a');
        const target = new SolverOptimizer({ groups: [{ params: ['shape_a'] }], lr: 0.1, momentum: 0.9 });
        const state = [
          { name: 'iter', tensor: tf.scalar(3, 'int32') },
          { name: 'shape_a/momentum', tensor: tf.zeros([3]) },
          { name: 'tfjs-solver/skipped_steps', tensor: tf.scalar(0) },
        ];
        await expect(target.setWeights(state)).rejects.toThrow("optimizer state 'shape_a/momentum': got shape [3], expected [2]");
        tf.dispose(state.map((s) => s.tensor));
        target.dispose();
        a!.dispose();
      });
    });
  });

  describe('having a config', () => {
    describe('when round-tripped through getConfig / fromConfig', () => {
      it('should rebuild the same groups, rule, clipping and current LRs', () => {
        const [a, b] = vars('cfg_a', 'cfg_b');
        const original = new SolverOptimizer({
          groups: [
            { params: [a!], lr: 0.1 },
            { params: [b!], lr: 0.2, weightDecay: 0 },
          ],
          weightDecay: 1e-4,
          momentum: 0.9,
          nesterov: true,
          clip: { clipType: 'full_model', clipValue: 5, normType: 2 },
        });
        original.setLearningRates([0.01, 0.02]);
        const copy = SolverOptimizer.fromConfig<SolverOptimizer>(SolverOptimizer, original.getConfig());
        expect(copy).toBeInstanceOf(SolverOptimizer);
        expect(copy.getConfig()).toEqual(original.getConfig());
        expect(copy.baseLearningRates).toEqual([0.1, 0.2]);
        expect(copy.paramGroups.map((g) => [g.names, g.lr, g.weightDecay])).toEqual([
          [['cfg_a'], 0.01, 1e-4],
          [['cfg_b'], 0.02, 0],
        ]);
        expect(copy.getClassName()).toBe('SolverOptimizer');
        expect(tf.serialization.SerializationMap.getMap().classNameMap.SolverOptimizer?.[0]).toBe(SolverOptimizer);
        original.dispose();
        copy.dispose();
        tf.dispose([a!, b!]);
      });

      it('should survive JSON (as model.save writes it), normType Infinity included', () => {
        const [a, b] = vars('json_a', 'json_b');
        const original = new SolverOptimizer({ groups: [{ params: [a!, b!] }], lr: 0.1, clip: { clipType: 'norm', normType: Infinity } });
        const json = JSON.parse(JSON.stringify(original.getConfig())) as tf.serialization.ConfigDict;
        expect(json.clip).toMatchObject({ normType: 'inf' });
        const copy = SolverOptimizer.fromConfig<SolverOptimizer>(SolverOptimizer, json);
        expect(copy.getConfig()).toEqual(original.getConfig());
        original.dispose();
        copy.dispose();
        tf.dispose([a!, b!]);
      });
    });
  });

  describe('having invalid options', () => {
    it.each<[string, SolverOptimizerOptions, string]>([
      [
        'no LR',
        { groups: [{ params: ['x'] }] },
        'groups[0].lr: got undefined, expected a finite number >= 0 (set it on the group or pass lr)',
      ],
      [
        'nesterov without momentum',
        { groups: [], lr: 1, nesterov: true },
        'nesterov: got true with momentum 0, Nesterov momentum needs momentum > 0',
      ],
      [
        'a variable twice',
        { groups: [{ params: ['x'] }, { params: ['x'] }], lr: 1 },
        "groups[1]: variable 'x' is already in an earlier group; each variable belongs to one group",
      ],
      ['negative momentum', { groups: [], lr: 1, momentum: -1 }, 'momentum: got -1, expected a finite number >= 0'],
      ['beta of 1', { groups: [], lr: 1, algorithm: 'Adam', betas: [0.9, 1] }, 'betas: got [0.9, 1], expected two numbers in [0, 1)'],
    ])('should reject %s', (_, options, message) => {
      expect(() => new SolverOptimizer(options)).toThrow(message);
    });

    it('should reject a gradient of a variable in no group', () => {
      const [a] = vars('stray_a');
      const optimizer = new SolverOptimizer({ groups: [], lr: 1 });
      expect(() => {
        step(optimizer, ['stray_a'], 1);
      }).toThrow("gradient for variable(s) 'stray_a' that belong to no parameter group");
      optimizer.dispose();
      a!.dispose();
    });

    it('should reject LRs whose count differs from the groups', () => {
      const optimizer = new SolverOptimizer({ groups: [{ params: ['x'] }], lr: 1 });
      expect(() => {
        optimizer.setLearningRates([1, 2]);
      }).toThrow('lrs: got [1, 2], expected 1 finite numbers >= 0, one per group');
      optimizer.dispose();
    });
  });
});
