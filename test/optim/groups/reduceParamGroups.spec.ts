import { describe, expect, it } from '@jest/globals';
import { type ParamGroup, reduceParamGroups } from '../../../src/optim/groups.js';

describe(reduceParamGroups, () => {
  describe('having groups whose hyperparameters are equal but written in another key order', () => {
    const groups: ParamGroup<string>[] = [
      { params: ['a'], lr: 0.1, weightDecay: 0.01 },
      { params: ['b'], weightDecay: 0.01, lr: 0.1 },
    ];

    describe('when reduced', () => {
      it('should merge them into one group (detectron2 would keep two)', () => {
        expect(reduceParamGroups(groups)).toEqual([{ lr: 0.1, weightDecay: 0.01, params: ['a', 'b'] }]);
      });
    });
  });

  describe('having groups that differ in one value', () => {
    describe('when reduced', () => {
      it('should keep them apart, in order of first appearance', () => {
        const out = reduceParamGroups([
          { params: ['a'], lr: 1 },
          { params: ['b'], lr: 2 },
          { params: ['c'], lr: 1 },
        ]);
        expect(out).toEqual([
          { lr: 1, params: ['a', 'c'] },
          { lr: 2, params: ['b'] },
        ]);
      });
    });
  });

  describe('having object params (tied weights are the same object)', () => {
    describe('when the same object appears in two groups', () => {
      it('should list it once, with the later group winning on shared keys', () => {
        const w = { id: 'w' };
        const out = reduceParamGroups([
          { params: [w], lr: 1, weightDecay: 5 },
          { params: [w], lr: 2 },
        ]);
        expect(out).toHaveLength(1);
        expect(out[0]?.params).toEqual([w]);
        expect(out[0]?.params[0]).toBe(w);
        expect(out[0]?.lr).toBe(2);
        expect(out[0]?.weightDecay).toBe(5);
      });
    });
  });

  describe('when called', () => {
    it('should not modify its input', () => {
      const input: ParamGroup<string>[] = [
        { params: ['a', 'b'], lr: 1 },
        { params: ['a'], lr: 2 },
      ];
      const copy = JSON.parse(JSON.stringify(input)) as unknown;
      reduceParamGroups(input);
      expect(input).toEqual(copy);
    });
  });
});
