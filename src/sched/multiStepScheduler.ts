import { bisectRight } from './bisectRight.js';
import type { ParamScheduler } from './ParamScheduler.js';
import { WHERE_EPSILON } from './ParamScheduler.js';
import { argumentError, finiteListArg, integerArg } from './schedulerArgs.js';

/** Arguments of {@link multiStepScheduler}: at least one of `numUpdates` and `milestones`. */
export interface MultiStepSchedulerArgs {
  /** The value in each range: `values[k]` holds from `milestones[k-1]` (or 0) up to `milestones[k]`. */
  readonly values: readonly number[];
  /** The end of the last range; when omitted, the last milestone is taken as the end. */
  readonly numUpdates?: number;
  /** The range boundaries (excluded upper ends); when omitted, `numUpdates` is split evenly. */
  readonly milestones?: readonly number[];
}

interface Resolved {
  readonly numUpdates: number;
  readonly milestones: readonly number[];
}

const NAME = 'multiStepScheduler';

function resolveMilestones(count: number, args: MultiStepSchedulerArgs): Resolved {
  const { numUpdates, milestones } = args;
  if (numUpdates === undefined && milestones === undefined) {
    throw argumentError(`${NAME}.numUpdates`, undefined, 'numUpdates or milestones (or both) to be given');
  }
  if (milestones === undefined) {
    const total: number = integerArg(`${NAME}.numUpdates`, numUpdates, 1);
    const width: number = Math.ceil(total / count);
    return { numUpdates: total, milestones: Array.from({ length: count - 1 }, (_v, k: number) => width * (k + 1)) };
  }
  const expected: number = count - (numUpdates === undefined ? 0 : 1);
  const isList: boolean = Array.isArray(milestones) && milestones.every((m: unknown) => Number.isSafeInteger(m));
  if (!isList || milestones.length !== expected) {
    throw argumentError(`${NAME}.milestones`, milestones, `a list of ${expected} integers (values has ${count})`);
  }
  if (numUpdates === undefined) {
    return { numUpdates: milestones[expected - 1] ?? NaN, milestones: milestones.slice(0, -1) };
  }
  return { numUpdates: integerArg(`${NAME}.numUpdates`, numUpdates, 1), milestones: [...milestones] };
}

function checkMilestones({ numUpdates, milestones }: Resolved, count: number): void {
  if (!(numUpdates >= count)) {
    throw argumentError(`${NAME}.numUpdates`, numUpdates, `an integer >= the number of values (${count})`);
  }
  let previous = 0;
  milestones.forEach((milestone: number, k: number) => {
    if (milestone >= numUpdates) {
      throw argumentError(`${NAME}.milestones[${k}]`, milestone, `< numUpdates (${numUpdates})`);
    }
    if (milestone <= previous) {
      throw argumentError(`${NAME}.milestones[${k}]`, milestone, `> ${previous} (milestones strictly increasing, > 0)`);
    }
    previous = milestone;
  });
}

/**
 * Piecewise-constant values changing at given milestones (fvcore `MultiStepParamScheduler`):
 * `values[bisect_right(milestones, floor((where + 1e-6) · numUpdates))]`.
 *
 * Why: detectron2's `WarmupMultiStepLR` main part (values `GAMMA^k`, milestones `STEPS`).
 * Validation follows fvcore: with no milestones they are `ceil(numUpdates / len(values)) · k`;
 * with no numUpdates the last milestone is the end; milestones strictly increasing, > 0 and
 * `< numUpdates`; `numUpdates >= len(values)`. NOTE: at `where = 1` the value is the last one.
 *
 * @param args see {@link MultiStepSchedulerArgs}; arrays are copied.
 * @returns the scheduler.
 * @throws SolverError('argument') naming the first argument that breaks its rule.
 * @example
 * ```ts
 * const s = multiStepScheduler({ values: [0.1, 0.01, 0.001], milestones: [30, 60], numUpdates: 90 });
 * s(29 / 90); // 0.1
 * s(30 / 90); // 0.01
 * s(1); // 0.001
 * ```
 */
export function multiStepScheduler(args: MultiStepSchedulerArgs): ParamScheduler {
  const values: readonly number[] = finiteListArg(`${NAME}.values`, args.values);
  const resolved: Resolved = resolveMilestones(values.length, args);
  checkMilestones(resolved, values.length);
  const milestones: readonly number[] = Object.freeze([...resolved.milestones]);
  const numUpdates: number = resolved.numUpdates;
  return (where: number): number => values[bisectRight(milestones, Math.trunc((where + WHERE_EPSILON) * numUpdates))] ?? NaN;
}
