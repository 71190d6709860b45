import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { parseConfig } from '../../../src/config/load.js';
import { SolverError } from '../../../src/errors.js';
import { buildOptimizer } from '../../../src/optim/buildOptimizer.js';
import { getDefaultOptimizerParams, type ModuleData, NORMALIZATION_TYPES } from '../../../src/optim/groups.js';

// detectron2's spellings: overrides keyed as in `get_default_optimizer_params(overrides=...)`
// (`lr`, `weight_decay`) and PyTorch's normalization class names in plain module data.

let numTensors = 0;
beforeEach(() => {
  numTensors = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(numTensors);
});

/** A ViT-like module with a positional `embedding` parameter, then a linear head. */
const VIT: readonly ModuleData<string>[] = [
  {
    name: 'patch',
    type: 'PatchEmbed',
    params: [
      { name: 'embedding', value: 'patch.embedding' },
      { name: 'weight', value: 'patch.weight' },
    ],
  },
  { name: 'head', type: 'Linear', params: [{ name: 'bias', value: 'head.bias' }] },
];

function thrown(fn: () => unknown): SolverError {
  try {
    fn();
  } catch (error: unknown) {
    if (SolverError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a SolverError');
}

describe('overrides in detectron2 spelling', () => {
  describe("having the seed's example { embedding: { lr: 0.01, weight_decay: 0.1 } }", () => {
    it('should give the embedding its own LR and decay, and the rest the defaults', () => {
      const groups = getDefaultOptimizerParams(VIT, {
        baseLr: 0.1,
        weightDecay: 1e-4,
        overrides: { embedding: { lr: 0.01, weight_decay: 0.1 } },
      });
      expect(groups).toEqual([
        { lr: 0.01, weightDecay: 0.1, params: ['patch.embedding'] },
        { lr: 0.1, weightDecay: 1e-4, params: ['patch.weight', 'head.bias'] },
      ]);
    });

    it('should reach the optimizer built from a config: the embedding decays by 0.1, not WEIGHT_DECAY', () => {
      const config = parseConfig({ SOLVER: { BASE_LR: 0.1, WEIGHT_DECAY: 1e-4 } });
      // Params given by variable name (buildOptimizer accepts names), so no tensor is made here.
      const modules: ModuleData<string>[] = [
        {
          name: 'patch',
          type: 'PatchEmbed',
          params: [
            { name: 'embedding', value: 'spelling/embedding' },
            { name: 'weight', value: 'spelling/weight' },
          ],
        },
      ];
      const optimizer = buildOptimizer(config, modules, { overrides: { embedding: { lr: 0.01, weight_decay: 0.1 } } });
      const byName = optimizer.paramGroups.map((g) => ({ names: [...g.names], lr: g.baseLr, weightDecay: g.weightDecay }));
      optimizer.dispose();
      expect(byName).toEqual([
        { names: ['spelling/embedding'], lr: 0.01, weightDecay: 0.1 },
        { names: ['spelling/weight'], lr: 0.1, weightDecay: 1e-4 },
      ]);
    });
  });

  describe('having our spelling weightDecay', () => {
    it('should mean the same as weight_decay', () => {
      const ours = getDefaultOptimizerParams(VIT, { baseLr: 1, overrides: { embedding: { weightDecay: 0.5 } } });
      const theirs = getDefaultOptimizerParams(VIT, { baseLr: 1, overrides: { embedding: { weight_decay: 0.5 } } });
      expect(theirs).toEqual(ours);
      expect(ours[0]).toEqual({ lr: 1, weightDecay: 0.5, params: ['patch.embedding'] });
    });
  });

  describe.each([
    [{ momentum: 0.5 }, 'overrides.embedding.momentum: not supported per group'],
    [{ betas: [0.9, 0.99] }, 'overrides.embedding.betas: not supported per group'],
    [{ eps: 1e-6 }, 'overrides.embedding.eps: not supported per group'],
    [{ nesterov: true }, 'overrides.embedding.nesterov: not supported per group'],
    [{ lr: 0.1, weight_decy: 0.1 }, 'overrides.embedding.weight_decy: no group rule reads it'],
    [{ learning_rate: 0.1 }, 'overrides.embedding.learning_rate: no group rule reads it'],
  ])('having the override %j', (override: Record<string, unknown>, start: string) => {
    it('should refuse it with a SolverError naming the key', () => {
      const error = thrown(() => getDefaultOptimizerParams(VIT, { baseLr: 1, overrides: { embedding: override } }));
      expect(error.kind).toBe('argument');
      expect(error.message.startsWith(start)).toBe(true);
      expect(error.message).toContain('expected only lr and weight_decay (or weightDecay)');
    });
  });

  describe.each([
    [{ lr: -1 }, 'overrides.embedding.lr: got -1, expected a finite number >= 0'],
    [{ weight_decay: 'high' }, 'overrides.embedding.weight_decay: got "high", expected a finite number >= 0'],
    [
      { weight_decay: 0.1, weightDecay: 0.2 },
      'overrides.embedding.weightDecay: given twice (as weight_decay and weightDecay), expected one of them',
    ],
    [0.1, 'overrides.embedding: got 0.1, expected a mapping such as { lr: 0.01, weight_decay: 0.1 }'],
  ])('having the bad override %j', (override: unknown, message: string) => {
    it('should refuse it with the exact message', () => {
      const overrides = { embedding: override } as unknown as Record<string, Record<string, unknown>>;
      expect(thrown(() => getDefaultOptimizerParams(VIT, { baseLr: 1, overrides })).message).toBe(message);
    });
  });
});

describe("PyTorch's normalization class names", () => {
  const pytorchNorms: readonly string[] = [
    'BatchNorm1d',
    'BatchNorm2d',
    'BatchNorm3d',
    'SyncBatchNorm',
    'GroupNorm',
    'InstanceNorm1d',
    'InstanceNorm2d',
    'InstanceNorm3d',
    'LayerNorm',
    'LocalResponseNorm',
    'NaiveSyncBatchNorm',
  ];

  it('should be in the exported list next to the tfjs ones', () => {
    expect([...NORMALIZATION_TYPES].sort()).toEqual([...pytorchNorms, 'BatchNormalization', 'LayerNormalization'].sort());
  });

  describe.each(pytorchNorms)('having a %s module in plain module data', (type: string) => {
    it('should give its weight and bias WEIGHT_DECAY_NORM, the conv WEIGHT_DECAY', () => {
      const modules: ModuleData<string>[] = [
        { name: 'conv', type: 'Conv2d', params: [{ name: 'weight', value: 'conv.weight' }] },
        {
          name: 'norm',
          type,
          params: [
            { name: 'weight', value: 'norm.weight' },
            { name: 'bias', value: 'norm.bias' },
          ],
        },
      ];
      expect(getDefaultOptimizerParams(modules, { weightDecay: 1e-4, weightDecayNorm: 0 })).toEqual([
        { weightDecay: 1e-4, params: ['conv.weight'] },
        { weightDecay: 0, params: ['norm.weight', 'norm.bias'] },
      ]);
    });
  });
});
