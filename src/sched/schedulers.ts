// fvcore's parameter schedulers, and its composite that warmup is built from. Every factory checks its
// arguments when called (SolverError kind `argument` naming the argument) and returns a ParamScheduler.

import { argumentError, finite, finiteList, integerAtLeast, numberAtLeast, readArg } from '../config/rules.js';

/**
 * A parameter scheduler: maps training progress `where` to a value (fvcore's `ParamScheduler`).
 *
 * Why a plain function: a schedule is pure maths with no state, so it is trivially testable and
 * composable (optax's `Schedule`). `where` is the fraction of training done, `iteration / MAX_ITER`,
 * in [0, 1]; every scheduler this package builds is total on [0, 1] (the value at `where = 1`, the
 * step after the last iteration, is the schedule's last value, never an exception). Outside
 * [0, 1] the result is unspecified; {@link whereAt} never produces such a `where`.
 *
 * @example
 * ```ts
 * const half: ParamScheduler = (where) => 0.5 * (1 - where);
 * half(0); // 0.5
 * ```
 */
export type ParamScheduler = (where: number) => number;

/**
 * The slack fvcore adds to `where` before it compares it with a boundary (`WHERE_EPSILON = 1e-6`).
 *
 * Why keep it: the step schedules and the composite pick their interval from `where + 1e-6`, and
 * reproducing the reference bit for bit means adding the same constant. NOTE: with
 * `MAX_ITER >= 1e6` this moves a milestone one iteration early, exactly as in fvcore.
 */
export const WHERE_EPSILON = 1e-6;

/**
 * How many entries of the ascending list `sorted` are <= `x` (Python's `bisect.bisect_right`).
 *
 * Why: MultiStep picks its value by the number of milestones already passed; a binary search
 * keeps that O(log n) per call.
 */
export function bisectRight(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi: number = sorted.length;
  while (lo < hi) {
    const mid: number = (lo + hi) >>> 1;
    if (x < (sorted[mid] ?? Infinity)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Training progress at `iteration` of a `maxIter`-iteration run: `iteration / maxIter`, and 1 at
 * or after the end.
 *
 * Why one helper: this is the only place the iteration-to-`where` rule and the end-of-run policy
 * live. detectron2 evaluates `last_epoch / max_iter`, which reaches 1 on the step after the last
 * iteration (and more than 1 if training continues); fvcore then raises or indexes past its
 * list. Clamping at 1 makes every value at or after the end the schedule's last value.
 *
 * @param iteration 0-based iteration (>= 0).
 * @param maxIter total iterations (> 0).
 * @returns `where` in [0, 1].
 * @example
 * ```ts
 * whereAt(250, 1000); // 0.25
 * whereAt(1000, 1000); // 1
 * whereAt(5000, 1000); // 1
 * ```
 */
export function whereAt(iteration: number, maxIter: number): number {
  return iteration >= maxIter ? 1 : iteration / maxIter;
}

/** Arguments of {@link constantScheduler}. */
export interface ConstantSchedulerArgs {
  /** The value returned everywhere. */
  readonly value: number;
}

/**
 * The same value for the whole run (fvcore `ConstantParamScheduler`).
 *
 * Why: the constant stage of a warmup, and a building block of composites. NOTE: fvcore raises
 * at `where >= 1`; this one returns `value` on all of [0, 1] (never crash at the end).
 *
 * @param args.value the value, a finite number.
 * @returns a scheduler that always returns `value`.
 * @throws SolverError('argument') when `value` is not a finite number.
 * @example
 * ```ts
 * constantScheduler({ value: 0.1 })(0.5); // 0.1
 * ```
 */
export function constantScheduler(args: ConstantSchedulerArgs): ParamScheduler {
  const value: number = readArg('constantScheduler.value', args.value, finite());
  return () => value;
}

/** Arguments of {@link cosineScheduler}. */
export interface CosineSchedulerArgs {
  /** Value at `where = 0`, finite. */
  readonly startValue: number;
  /** Value at `where = 1`, finite. */
  readonly endValue: number;
}

/**
 * Half a cosine from `startValue` to `endValue` (fvcore `CosineParamScheduler`, SGDR without restarts):
 * `end + 0.5 (start − end)(1 + cos(π where))`, float operations in fvcore's order.
 *
 * Why: the main part of detectron2's `WarmupCosineLR`; with start < end it is a cosine warmup.
 *
 * @throws SolverError('argument') when either value is not finite.
 * @example
 * ```ts
 * const s = cosineScheduler({ startValue: 0.1, endValue: 0 });
 * s(0); // 0.1
 * s(0.5); // 0.05
 * s(1); // 0
 * ```
 */
export function cosineScheduler(args: CosineSchedulerArgs): ParamScheduler {
  const start: number = readArg('cosineScheduler.startValue', args.startValue, finite());
  const end: number = readArg('cosineScheduler.endValue', args.endValue, finite());
  const halfRange: number = 0.5 * (start - end);
  return (where: number): number => end + halfRange * (1 + Math.cos(Math.PI * where));
}

/** Arguments of {@link exponentialScheduler}. */
export interface ExponentialSchedulerArgs {
  /** Value at `where = 0`, finite. */
  readonly startValue: number;
  /** The factor reached at `where = 1` (the value there is `startValue · decay`), finite and > 0. */
  readonly decay: number;
}

/**
 * Exponential decay `startValue · decay^where` (fvcore `ExponentialParamScheduler`).
 *
 * Why: a smooth decay whose ratio per unit of progress is constant.
 *
 * @throws SolverError('argument') when `startValue` is not finite or `decay` is not > 0.
 * @example
 * ```ts
 * exponentialScheduler({ startValue: 2, decay: 0.1 })(0.5); // 2 · 0.1^0.5 ≈ 0.6325
 * ```
 */
export function exponentialScheduler(args: ExponentialSchedulerArgs): ParamScheduler {
  const start: number = readArg('exponentialScheduler.startValue', args.startValue, finite());
  const decay: number = readArg('exponentialScheduler.decay', args.decay, numberAtLeast(0, true));
  return (where: number): number => start * decay ** where;
}

/** Arguments of {@link linearScheduler}. */
export interface LinearSchedulerArgs {
  /** Value at `where = 0`, finite. */
  readonly startValue: number;
  /** Value at `where = 1`, finite. */
  readonly endValue: number;
}

/**
 * Straight line from `startValue` to `endValue`: `end · where + start · (1 − where)`
 * (fvcore `LinearParamScheduler`, same float operations).
 *
 * Why: the linear stage of a warmup, or a linear decay.
 *
 * @throws SolverError('argument') when either value is not finite.
 * @example
 * ```ts
 * linearScheduler({ startValue: 0, endValue: 0.1 })(0.5); // 0.05
 * ```
 */
export function linearScheduler(args: LinearSchedulerArgs): ParamScheduler {
  const start: number = readArg('linearScheduler.startValue', args.startValue, finite());
  const end: number = readArg('linearScheduler.endValue', args.endValue, finite());
  return (where: number): number => end * where + start * (1 - where);
}

/** Arguments of {@link polynomialDecayScheduler}. */
export interface PolynomialDecaySchedulerArgs {
  /** Value at `where = 0`, finite. */
  readonly baseValue: number;
  /** Exponent of `(1 − where)`, finite and >= 0 (a negative power would blow up at the end). */
  readonly power: number;
}

/**
 * Polynomial decay `baseValue · (1 − where)^power` (fvcore `PolynomialDecayParamScheduler`).
 *
 * Why: the "poly" schedule of semantic segmentation (DeepLab), without warmup; reaches 0 at the end.
 *
 * @throws SolverError('argument') when `baseValue` is not finite or `power` is negative or not finite.
 * @example
 * ```ts
 * polynomialDecayScheduler({ baseValue: 0.1, power: 1 })(0.3); // 0.07
 * ```
 */
export function polynomialDecayScheduler(args: PolynomialDecaySchedulerArgs): ParamScheduler {
  const base: number = readArg('polynomialDecayScheduler.baseValue', args.baseValue, finite());
  const power: number = readArg('polynomialDecayScheduler.power', args.power, numberAtLeast(0));
  return (where: number): number => base * (1 - where) ** power;
}

/** Arguments of {@link stepScheduler}. */
export interface StepSchedulerArgs {
  /** Length of the run in updates, > 0; fvcore checks it but the value does not change the result. */
  readonly numUpdates: number;
  /** The values, each held for an equal share of the run: finite numbers, at least one (copied). */
  readonly values: readonly number[];
}

/**
 * Equal-length steps through `values`: `values[floor((where + 1e-6) · len(values))]`
 * (fvcore `StepParamScheduler`).
 *
 * Why: a step decay whose steps are evenly spaced. NOTE: at `where = 1` fvcore indexes past the
 * end of its list; here the index is clamped, so the value there is the last value.
 *
 * @throws SolverError('argument') when `numUpdates` is not > 0 or `values` is empty or not numbers.
 * @example
 * ```ts
 * const s = stepScheduler({ numUpdates: 12, values: [0.1, 0.01, 0.001, 0.0001] });
 * s(0.2); // 0.1  (epochs 0-2 of 12)
 * s(0.25); // 0.01 (epochs 3-5)
 * s(1); // 0.0001
 * ```
 */
export function stepScheduler(args: StepSchedulerArgs): ParamScheduler {
  readArg('stepScheduler.numUpdates', args.numUpdates, numberAtLeast(0, true));
  const values: readonly number[] = readArg('stepScheduler.values', args.values, finiteList());
  const count: number = values.length;
  const last: number = count - 1;
  return (where: number): number => {
    const index: number = Math.trunc((where + WHERE_EPSILON) * count);
    return values[index < last ? index : last] ?? NaN;
  };
}

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
    const total: number = readArg(`${NAME}.numUpdates`, numUpdates, integerAtLeast(1));
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
  return { numUpdates: readArg(`${NAME}.numUpdates`, numUpdates, integerAtLeast(1)), milestones: [...milestones] };
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
 * Arrays are copied.
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
  const values: readonly number[] = readArg(`${NAME}.values`, args.values, finiteList());
  const resolved: Resolved = resolveMilestones(values.length, args);
  checkMilestones(resolved, values.length);
  const milestones: readonly number[] = Object.freeze([...resolved.milestones]);
  const numUpdates: number = resolved.numUpdates;
  return (where: number): number => values[bisectRight(milestones, Math.trunc((where + WHERE_EPSILON) * numUpdates))] ?? NaN;
}

/** Arguments of {@link stepWithFixedGammaScheduler}. */
export interface StepWithFixedGammaSchedulerArgs {
  /** Value of the first step. */
  readonly baseValue: number;
  /** How many times the value is multiplied by `gamma`. */
  readonly numDecays: number;
  /** The factor of each decay. */
  readonly gamma: number;
  /** Length of the run in updates. */
  readonly numUpdates: number;
}

/**
 * `numDecays + 1` equal steps through `[base, base·γ, base·γ·γ, …]` (fvcore
 * `StepWithFixedGammaParamScheduler`); the values are built by repeated multiplication, as fvcore does.
 *
 * Why: detectron2's `WarmupStepWithFixedGammaLR`.
 *
 * @param args.baseValue first value, finite and > 0.
 * @param args.numDecays number of decays, an integer >= 1.
 * @param args.gamma decay factor, finite and > 0.
 * @param args.numUpdates run length, an integer >= 1.
 * @throws SolverError('argument') naming the first argument that breaks its rule.
 * @example
 * ```ts
 * const s = stepWithFixedGammaScheduler({ baseValue: 1, numDecays: 3, gamma: 0.1, numUpdates: 12 });
 * s(0); // 1
 * s(0.25); // 0.1
 * s(0.75); // 0.001 (≈, by repeated multiplication)
 * ```
 */
export function stepWithFixedGammaScheduler(args: StepWithFixedGammaSchedulerArgs): ParamScheduler {
  const base: number = readArg('stepWithFixedGammaScheduler.baseValue', args.baseValue, numberAtLeast(0, true));
  const gamma: number = readArg('stepWithFixedGammaScheduler.gamma', args.gamma, numberAtLeast(0, true));
  const numDecays: number = readArg('stepWithFixedGammaScheduler.numDecays', args.numDecays, integerAtLeast(1));
  const numUpdates: number = readArg('stepWithFixedGammaScheduler.numUpdates', args.numUpdates, integerAtLeast(1));
  const values: number[] = [base];
  for (let k = 0; k < numDecays; k += 1) values.push((values[k] ?? NaN) * gamma);
  return stepScheduler({ numUpdates, values });
}

/** How a part of a composite sees `where`: its own [0, 1] (`rescaled`) or the global one (`fixed`). */
export type IntervalScaling = 'rescaled' | 'fixed';

/** Arguments of {@link compositeScheduler}. */
export interface CompositeSchedulerArgs {
  /** The parts, run one after another. */
  readonly schedulers: readonly ParamScheduler[];
  /** Share of the run of each part, each in [0, 1], summing to 1 within 1e-3. */
  readonly lengths: readonly number[];
  /** One per part. */
  readonly intervalScaling: readonly IntervalScaling[];
}

function checkLengths(args: CompositeSchedulerArgs): number[] {
  const count: number = Array.isArray(args.schedulers) ? args.schedulers.length : NaN;
  if (!(count > 0) || !args.schedulers.every((s: unknown) => typeof s === 'function')) {
    throw argumentError(`compositeScheduler.schedulers`, args.schedulers, 'a non-empty array of schedulers');
  }
  const lengths: number[] = [...readArg(`compositeScheduler.lengths`, args.lengths, finiteList())];
  if (lengths.length !== count) {
    throw argumentError(`compositeScheduler.lengths`, lengths, `one length per scheduler (${count})`);
  }
  const sum: number = lengths.reduce((a: number, b: number) => a + b, 0);
  if (Math.abs(sum - 1.0) >= 1e-3 || lengths.some((l: number) => l < 0)) {
    throw argumentError(`compositeScheduler.lengths`, lengths, `values >= 0 summing to 1 (within 1e-3), sum is ${sum}`);
  }
  if (sum !== 1.0) lengths[count - 1] = 1.0 - lengths.slice(0, -1).reduce((a: number, b: number) => a + b, 0);
  return lengths;
}

function checkScaling(args: CompositeSchedulerArgs, lengths: readonly number[]): readonly boolean[] {
  const scaling: readonly unknown[] = Array.isArray(args.intervalScaling) ? args.intervalScaling : [];
  scaling.forEach((s: unknown, k: number) => {
    if (s !== 'rescaled' && s !== 'fixed') throw argumentError(`compositeScheduler.intervalScaling[${k}]`, s, `'rescaled' or 'fixed'`);
  });
  if (scaling.length !== lengths.length) {
    throw argumentError(`compositeScheduler.intervalScaling`, args.intervalScaling, `one entry per scheduler (${lengths.length})`);
  }
  const last: number = lengths.length - 1;
  if (scaling[last] === 'rescaled' && !((lengths[last] ?? 0) > 0)) {
    throw argumentError(
      `compositeScheduler.lengths[${last}]`,
      lengths[last],
      `> 0 for a 'rescaled' last part (it is reached at where = 1)`,
    );
  }
  return scaling.map((s: unknown) => s === 'rescaled');
}

/**
 * Runs schedulers one after another over shares of the run (fvcore `CompositeParamScheduler`).
 *
 * Why: warmup is a composite (a short linear or constant part, then the main schedule). Part `i`
 * is the first with `where + 1e-6 <= lengths[0] + … + lengths[i]` (else the last); a `rescaled`
 * part sees `(where − start_i) / lengths[i]`, a `fixed` one sees `where`. The running sums and
 * `start_i = sum_i − lengths[i]` are computed exactly as fvcore computes them (once, here), so the
 * values agree with the reference to the last bit. NOTE: fvcore rewrites the caller's last length
 * when the sum is off by less than 1e-3; here a copy is adjusted. Unlike fvcore, `intervalScaling`
 * must have one entry per part, and a zero-length `rescaled` last part is refused (it divides by 0).
 *
 * @throws SolverError('argument') naming the argument that breaks its rule.
 * @example
 * ```ts
 * const s = compositeScheduler({
 *   schedulers: [constantScheduler({ value: 0.42 }), cosineScheduler({ startValue: 0.42, endValue: 1e-4 })],
 *   lengths: [0.3, 0.7],
 *   intervalScaling: ['rescaled', 'rescaled'],
 * });
 * s(0.1); // 0.42, then a cosine from 0.42 (at 30%) down to 1e-4 (at 100%)
 * ```
 */
export function compositeScheduler(args: CompositeSchedulerArgs): ParamScheduler {
  const lengths: readonly number[] = checkLengths(args);
  const rescaled: readonly boolean[] = checkScaling(args, lengths);
  const parts: readonly ParamScheduler[] = [...args.schedulers];
  const ends: number[] = [];
  lengths.reduce((running: number, length: number, k: number) => {
    const end: number = k === 0 ? length : running + length;
    ends.push(end);
    return end;
  }, 0);
  const starts: readonly number[] = ends.map((end: number, k: number) => end - (lengths[k] ?? NaN));
  const last: number = parts.length - 1;
  return (where: number): number => {
    let i = 0;
    while (i < last && where + WHERE_EPSILON > (ends[i] ?? NaN)) i += 1;
    const part: ParamScheduler = parts[i] ?? ((): number => NaN);
    return rescaled[i] === true ? part((where - (starts[i] ?? NaN)) / (lengths[i] ?? NaN)) : part(where);
  };
}
