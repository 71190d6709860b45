import { expandParamGroups } from './expandParamGroups.js';
import type { ParamGroup, ParamHyperparams } from './ParamGroup.js';

/**
 * Merges parameter groups whose hyperparameters are identical, as detectron2's
 * `reduce_param_groups` does (after expanding them per parameter).
 *
 * Why: every group is one multi-tensor update, so fewer groups means fewer passes.
 * NOTE: groups are compared by value, not by key order: `{lr, weightDecay}` and
 * `{weightDecay, lr}` with equal numbers merge (detectron2 keeps them apart). Groups come
 * out in order of first appearance, parameters inside a group in their original order.
 *
 * @param groups the groups to merge; not modified.
 * @returns new, merged groups; each group's keys are its hyperparameters then `params`.
 * @example
 * ```ts
 * reduceParamGroups([{ params: ['a'], lr: 1 }, { params: ['b'], lr: 2 }, { params: ['c'], lr: 1 }]);
 * // [{ lr: 1, params: ['a', 'c'] }, { lr: 2, params: ['b'] }]
 * ```
 */
export function reduceParamGroups<P>(groups: readonly ParamGroup<P>[]): ParamGroup<P>[] {
  const merged = new Map<string, { hyper: ParamHyperparams; params: P[] }>();
  for (const { params, ...hyper } of expandParamGroups(groups)) {
    const key = hyperparamsKey(hyper);
    const entry = merged.get(key) ?? { hyper, params: [] };
    entry.params.push(...params);
    merged.set(key, entry);
  }
  return [...merged.values()].map(({ hyper, params }) => ({ ...hyper, params }));
}

/** A string equal for hyperparameter objects with the same keys and values, in any key order. */
function hyperparamsKey(hyper: ParamHyperparams): string {
  return Object.keys(hyper)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${typeof hyper[k]}:${String(hyper[k])}`)
    .join('|');
}
