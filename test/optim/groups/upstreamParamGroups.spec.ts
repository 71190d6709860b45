import { describe, expect, it } from '@jest/globals';
import { expandParamGroups, type ParamGroup, reduceParamGroups } from '../../../src/optim/groups.js';

/**
 * The `param_groups` entries of the shared reference (reference/upstream-unit-tests.json),
 * transcribed from detectron2's own unit tests. Upstream compares with `assertEqual` on lists of
 * dicts, so key order is ignored: `toEqual` does the same. Keys are upstream's (`weight_decay`):
 * the functions merge whatever keys a group carries.
 */
interface UpstreamCase {
  readonly id: string;
  readonly source: { readonly repo: string; readonly commit: string; readonly path: string; readonly test: string };
  readonly fn: (groups: readonly ParamGroup<string>[]) => ParamGroup<string>[];
  readonly input: readonly ParamGroup<string>[];
  readonly expected: readonly ParamGroup<string>[];
}

const DETECTRON2 = {
  repo: 'facebookresearch/detectron2',
  commit: '02b5c4e295e990042a714712c21dc79b731e8833',
  path: 'tests/test_solver.py',
};

const CASES: readonly UpstreamCase[] = [
  {
    id: 'detectron2.expand_param_groups',
    source: { ...DETECTRON2, test: 'TestOptimizer.testExpandParamsGroups' },
    fn: expandParamGroups,
    input: [
      { params: ['p1', 'p2', 'p3', 'p4'], lr: 1.0, weight_decay: 3.0 },
      { params: ['p2', 'p3', 'p5'], lr: 2.0, momentum: 2.0 },
      { params: ['p1'], weight_decay: 4.0 },
    ],
    expected: [
      { params: ['p1'], lr: 1.0, weight_decay: 4.0 },
      { params: ['p2'], lr: 2.0, weight_decay: 3.0, momentum: 2.0 },
      { params: ['p3'], lr: 2.0, weight_decay: 3.0, momentum: 2.0 },
      { params: ['p4'], lr: 1.0, weight_decay: 3.0 },
      { params: ['p5'], lr: 2.0, momentum: 2.0 },
    ],
  },
  {
    id: 'detectron2.reduce_param_groups',
    source: { ...DETECTRON2, test: 'TestOptimizer.testReduceParamGroups' },
    fn: reduceParamGroups,
    input: [
      { params: ['p1'], lr: 1.0, weight_decay: 4.0 },
      { params: ['p2', 'p6'], lr: 2.0, weight_decay: 3.0, momentum: 2.0 },
      { params: ['p3'], lr: 2.0, weight_decay: 3.0, momentum: 2.0 },
      { params: ['p4'], lr: 1.0, weight_decay: 3.0 },
      { params: ['p5'], lr: 2.0, momentum: 2.0 },
    ],
    expected: [
      { lr: 1.0, weight_decay: 4.0, params: ['p1'] },
      { lr: 2.0, weight_decay: 3.0, momentum: 2.0, params: ['p2', 'p6', 'p3'] },
      { lr: 1.0, weight_decay: 3.0, params: ['p4'] },
      { lr: 2.0, momentum: 2.0, params: ['p5'] },
    ],
  },
];

describe('upstream param_groups reference', () => {
  describe.each(CASES)('$id ($source.repo@$source.commit $source.path $source.test)', (c) => {
    describe('when called on the upstream input', () => {
      it('should give the upstream expected groups', () => {
        expect(c.fn(c.input)).toEqual(c.expected);
      });
    });
  });
});
