import { describe, expect, it } from '@jest/globals';
import { SolverError } from '../../../src/errors.js';
import { getDefaultOptimizerParams, type ModuleData, type ParamHyperparams } from '../../../src/optim/groups.js';

/** conv (kernel, bias) → bn (gamma, beta, moving stats) → head (weight, bias); as detectron2 names modules. */
const MODEL: readonly ModuleData<string>[] = [
  {
    name: 'conv',
    type: 'Conv2D',
    params: [
      { name: 'kernel', value: 'conv.k' },
      { name: 'bias', value: 'conv.b' },
    ],
  },
  {
    name: 'bn',
    type: 'BatchNormalization',
    params: [
      { name: 'gamma', value: 'bn.g' },
      { name: 'beta', value: 'bn.b' },
      { name: 'moving_mean', value: 'bn.mm', trainable: false },
      { name: 'moving_variance', value: 'bn.mv', trainable: false },
    ],
  },
  {
    name: 'head',
    type: 'Linear',
    params: [
      { name: 'weight', value: 'head.w' },
      { name: 'bias', value: 'head.b' },
    ],
  },
];

function thrown(fn: () => unknown): SolverError {
  try {
    fn();
  } catch (e) {
    if (SolverError.is(e)) return e;
    throw e;
  }
  throw new Error('expected a SolverError');
}

describe(getDefaultOptimizerParams, () => {
  describe('having no options', () => {
    describe('when called', () => {
      it('should give one group of every trainable weight in walk order, without hyperparameters', () => {
        expect(getDefaultOptimizerParams(MODEL)).toEqual([{ params: ['conv.k', 'conv.b', 'bn.g', 'bn.b', 'head.w', 'head.b'] }]);
      });
    });
  });

  describe('having weightDecayNorm', () => {
    describe('when called with baseLr 0.1, weightDecay 1e-4, weightDecayNorm 0', () => {
      it('should give the normalization weights decay 0 and keep one group for the rest', () => {
        const groups = getDefaultOptimizerParams(MODEL, { baseLr: 0.1, weightDecay: 1e-4, weightDecayNorm: 0 });
        expect(groups).toEqual([
          { lr: 0.1, weightDecay: 1e-4, params: ['conv.k', 'conv.b', 'head.w', 'head.b'] },
          { lr: 0.1, weightDecay: 0, params: ['bn.g', 'bn.b'] },
        ]);
      });
    });

    describe('when the layer type is registered through normTypes', () => {
      it('should treat it as normalization', () => {
        const groups = getDefaultOptimizerParams(MODEL, { weightDecay: 1, weightDecayNorm: 0, normTypes: ['Linear'] });
        expect(groups).toEqual([
          { weightDecay: 1, params: ['conv.k', 'conv.b'] },
          { weightDecay: 0, params: ['bn.g', 'bn.b', 'head.w', 'head.b'] },
        ]);
      });
    });
  });

  describe('having biasLrFactor and weightDecayBias', () => {
    describe('when called with baseLr 0.1, biasLrFactor 2, weightDecayBias 0', () => {
      it('should give every bias (tfjs `bias` and `beta` alike) lr 0.2 and decay 0', () => {
        const groups = getDefaultOptimizerParams(MODEL, { baseLr: 0.1, weightDecay: 1e-4, biasLrFactor: 2, weightDecayBias: 0 });
        expect(groups).toEqual([
          { lr: 0.1, weightDecay: 1e-4, params: ['conv.k', 'bn.g', 'head.w'] },
          { lr: 0.1 * 2, weightDecay: 0, params: ['conv.b', 'bn.b', 'head.b'] },
        ]);
      });
    });

    describe('when only weightDecayBias is given', () => {
      it('should override the bias decay without needing baseLr', () => {
        expect(getDefaultOptimizerParams(MODEL, { weightDecayBias: 0.5 })).toEqual([
          { params: ['conv.k', 'bn.g', 'head.w'] },
          { weightDecay: 0.5, params: ['conv.b', 'bn.b', 'head.b'] },
        ]);
      });
    });
  });

  describe('having lrFactorFunc', () => {
    describe('when it halves the LR of the head', () => {
      it('should multiply baseLr by the factor of each full name (module.param)', () => {
        const seen: string[] = [];
        const groups = getDefaultOptimizerParams(MODEL, {
          baseLr: 0.4,
          lrFactorFunc: (name) => {
            seen.push(name);
            return name.startsWith('head.') ? 0.5 : 1;
          },
        });
        expect(seen).toEqual(['conv.kernel', 'conv.bias', 'bn.gamma', 'bn.beta', 'head.weight', 'head.bias']);
        expect(groups).toEqual([
          { lr: 0.4, params: ['conv.k', 'conv.b', 'bn.g', 'bn.b'] },
          { lr: 0.2, params: ['head.w', 'head.b'] },
        ]);
      });
    });

    describe('when combined with weightDecayNorm and an override', () => {
      it('should apply defaults, then normalization, then the factor, then the override (SPEC §2.4)', () => {
        const groups = getDefaultOptimizerParams(MODEL, {
          baseLr: 1,
          weightDecay: 0.1,
          weightDecayNorm: 0,
          lrFactorFunc: () => 0.5,
          overrides: { gamma: { lr: 3 } },
        });
        expect(groups).toEqual([
          { lr: 0.5, weightDecay: 0.1, params: ['conv.k', 'conv.b', 'head.w', 'head.b'] },
          { lr: 3, weightDecay: 0, params: ['bn.g'] },
          { lr: 0.5, weightDecay: 0, params: ['bn.b'] },
        ]);
      });
    });
  });

  describe('having overrides', () => {
    describe('when keyed by the detectron2 name `weight`', () => {
      it('should hit tfjs `kernel` and `gamma` and detectron2 `weight` weights', () => {
        const groups = getDefaultOptimizerParams(MODEL, { baseLr: 1, overrides: { weight: { lr: 9 } } });
        expect(groups).toEqual([
          { lr: 9, params: ['conv.k', 'bn.g', 'head.w'] },
          { lr: 1, params: ['conv.b', 'bn.b', 'head.b'] },
        ]);
      });
    });

    describe('when keyed by the tfjs name `beta` and the mapped name `bias`', () => {
      it('should apply both to `beta`, the tfjs name winning', () => {
        const groups = getDefaultOptimizerParams(MODEL, {
          baseLr: 1,
          overrides: { bias: { lr: 2, weightDecay: 7 }, beta: { lr: 3 } },
        });
        expect(groups).toEqual([
          { lr: 1, params: ['conv.k', 'bn.g', 'head.w'] },
          { lr: 2, weightDecay: 7, params: ['conv.b', 'head.b'] },
          { lr: 3, weightDecay: 7, params: ['bn.b'] },
        ]);
      });
    });

    describe('when given together with biasLrFactor', () => {
      it("should not modify the caller's overrides object", () => {
        const overrides: Record<string, ParamHyperparams> = Object.freeze({ weight: Object.freeze({ lr: 5 }) });
        getDefaultOptimizerParams(MODEL, { baseLr: 1, biasLrFactor: 2, overrides });
        expect(overrides).toEqual({ weight: { lr: 5 } });
        expect(Object.keys(overrides)).toEqual(['weight']);
      });
    });
  });

  describe('having shared layers and tied weights', () => {
    describe('when the same value appears in two modules', () => {
      it('should keep only its first place', () => {
        const tied: ModuleData<string>[] = [
          { name: 'embed', type: 'Embedding', params: [{ name: 'embeddings', value: 'E' }] },
          { name: 'norm', type: 'LayerNormalization', params: [{ name: 'gamma', value: 'g' }] },
          {
            name: 'out',
            type: 'Dense',
            params: [
              { name: 'kernel', value: 'E' },
              { name: 'bias', value: 'b' },
            ],
          },
        ];
        const groups = getDefaultOptimizerParams(tied, { weightDecay: 1, weightDecayNorm: 0 });
        expect(groups).toEqual([
          { weightDecay: 1, params: ['E', 'b'] },
          { weightDecay: 0, params: ['g'] },
        ]);
      });
    });
  });

  describe('having invalid options', () => {
    it('should throw `bias_lr_factor requires base_lr` when biasLrFactor != 1 without baseLr', () => {
      const e = thrown(() => getDefaultOptimizerParams(MODEL, { biasLrFactor: 2 }));
      expect(e.kind).toBe('argument');
      expect(e.message).toBe('bias_lr_factor requires base_lr: got biasLrFactor=2 and no baseLr');
    });

    it("should throw `Conflicting overrides for 'bias'` when the bias override exists twice", () => {
      const e = thrown(() => getDefaultOptimizerParams(MODEL, { baseLr: 1, biasLrFactor: 2, overrides: { bias: { lr: 3 } } }));
      expect(e.kind).toBe('argument');
      expect(e.message).toBe(
        "Conflicting overrides for 'bias': biasLrFactor=2 / weightDecayBias=undefined make a 'bias' override " +
          'and overrides.bias={"lr":3} is given too',
      );
    });

    it("should throw `Conflicting overrides for 'bias'` for weightDecayBias alone too", () => {
      const e = thrown(() => getDefaultOptimizerParams(MODEL, { weightDecayBias: 0, overrides: { bias: { lr: 3 } } }));
      expect(e.message.startsWith("Conflicting overrides for 'bias'")).toBe(true);
    });

    it('should throw `lr_factor_func requires base_lr` when lrFactorFunc is given without baseLr', () => {
      const e = thrown(() => getDefaultOptimizerParams(MODEL, { lrFactorFunc: () => 1 }));
      expect(e.kind).toBe('argument');
      expect(e.message).toBe('lr_factor_func requires base_lr: got lrFactorFunc and no baseLr');
    });

    it('should accept biasLrFactor 1 without baseLr (no bias override then)', () => {
      expect(getDefaultOptimizerParams(MODEL, { biasLrFactor: 1, overrides: { bias: { lr: 3 } } })).toEqual([
        { params: ['conv.k', 'bn.g', 'head.w'] },
        { lr: 3, params: ['conv.b', 'bn.b', 'head.b'] },
      ]);
    });
  });
});
