import type { ParamGroup, ParamHyperparams } from './ParamGroup.js';

/**
 * Splits parameter groups into one group per parameter, later groups overriding earlier ones.
 *
 * Why: it is the first half of {@link reduceParamGroups}; a parameter listed in several groups
 * (detectron2 allows it) ends up with the union of their hyperparameters, the later group
 * winning on a shared key. Parameters keep the order of their first appearance.
 *
 * @param groups groups in priority order (last wins); not modified.
 * @returns one new group per distinct parameter (compared with `===`).
 * @example
 * ```ts
 * expandParamGroups([{ params: ['a', 'b'], lr: 1 }, { params: ['a'], weightDecay: 2 }]);
 * // [{ params: ['a'], lr: 1, weightDecay: 2 }, { params: ['b'], lr: 1 }]
 * ```
 */
export function expandParamGroups<P>(groups: readonly ParamGroup<P>[]): ParamGroup<P>[] {
  const byParam = new Map<P, Record<string, unknown>>();
  for (const group of groups) {
    const { params, ...hyper } = group;
    for (const param of params) {
      byParam.set(param, { ...(byParam.get(param) ?? {}), ...hyper });
    }
  }
  return [...byParam].map(([param, hyper]) => ({ ...(hyper as ParamHyperparams), params: [param] }));
}
