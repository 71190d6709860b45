import type { OptimizerGroup } from './OptimizerGroup.js';
import type { OptimizerAlgorithm } from './SolverOptimizerOptions.js';

/** One slot of optimizer state: its key in getWeights and the variable whose shape it has (null: scalar). */
export interface SlotName {
  readonly key: string;
  readonly like: string | null;
}

/** The key of the steps-skipped counter in the optimizer's state. */
export const SKIPPED_KEY = 'tfjs-solver/skipped_steps';

/**
 * Every slot the optimizer keeps, in getWeights order, keyed by variable name: SGD
 * `<var>/momentum` (when momentum ≠ 0); Adam/AdamW `<var>/m`, `<var>/v` and one
 * `<first var of the group>/step` per group; always the skipped-steps counter.
 *
 * @param algorithm the update rule.
 * @param groups the optimizer's groups.
 * @param momentum SGD momentum.
 * @returns the slots.
 */
export function slotNames(algorithm: OptimizerAlgorithm, groups: readonly OptimizerGroup[], momentum: number): SlotName[] {
  const slots: SlotName[] = [];
  for (const group of groups) {
    if (algorithm === 'SGD') {
      if (momentum !== 0) slots.push(...group.names.map((n) => ({ key: `${n}/momentum`, like: n })));
      continue;
    }
    slots.push(...group.names.map((n) => ({ key: `${n}/m`, like: n })));
    slots.push(...group.names.map((n) => ({ key: `${n}/v`, like: n })));
    const first = group.names[0];
    if (first !== undefined) slots.push({ key: `${first}/step`, like: null });
  }
  slots.push({ key: SKIPPED_KEY, like: null });
  return slots;
}
