import { argumentError, finiteList, numberAtLeast, numberIn, oneOf, readArg } from '../config/rules.js';
import { constantScheduler, linearScheduler, type ParamScheduler, WHERE_EPSILON } from './schedulers.js';

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

const NAME = 'compositeScheduler';

function checkLengths(args: CompositeSchedulerArgs): number[] {
  const count: number = Array.isArray(args.schedulers) ? args.schedulers.length : NaN;
  if (!(count > 0) || !args.schedulers.every((s: unknown) => typeof s === 'function')) {
    throw argumentError(`${NAME}.schedulers`, args.schedulers, 'a non-empty array of schedulers');
  }
  const lengths: number[] = [...readArg(`${NAME}.lengths`, args.lengths, finiteList())];
  if (lengths.length !== count) {
    throw argumentError(`${NAME}.lengths`, lengths, `one length per scheduler (${count})`);
  }
  const sum: number = lengths.reduce((a: number, b: number) => a + b, 0);
  if (Math.abs(sum - 1.0) >= 1e-3 || lengths.some((l: number) => l < 0)) {
    throw argumentError(`${NAME}.lengths`, lengths, `values >= 0 summing to 1 (within 1e-3), sum is ${sum}`);
  }
  if (sum !== 1.0) lengths[count - 1] = 1.0 - lengths.slice(0, -1).reduce((a: number, b: number) => a + b, 0);
  return lengths;
}

function checkScaling(args: CompositeSchedulerArgs, lengths: readonly number[]): readonly boolean[] {
  const scaling: readonly unknown[] = Array.isArray(args.intervalScaling) ? args.intervalScaling : [];
  scaling.forEach((s: unknown, k: number) => {
    if (s !== 'rescaled' && s !== 'fixed') throw argumentError(`${NAME}.intervalScaling[${k}]`, s, `'rescaled' or 'fixed'`);
  });
  if (scaling.length !== lengths.length) {
    throw argumentError(`${NAME}.intervalScaling`, args.intervalScaling, `one entry per scheduler (${lengths.length})`);
  }
  const last: number = lengths.length - 1;
  if (scaling[last] === 'rescaled' && !((lengths[last] ?? 0) > 0)) {
    throw argumentError(`${NAME}.lengths[${last}]`, lengths[last], `> 0 for a 'rescaled' last part (it is reached at where = 1)`);
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
 * @param args see {@link CompositeSchedulerArgs}.
 * @returns the scheduler.
 * @throws SolverError('argument') naming the argument that breaks its rule.
 * @example
 * ```ts
 * import { constantScheduler, cosineScheduler } from './schedulers.js';
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

/** How the warmup stage moves: `linear` from `factor · s(0)` to its end value, or `constant` at `factor · s(0)`. */
export type WarmupMethod = 'linear' | 'constant';

const WARMUP_METHODS = oneOf(['linear', 'constant'], 'Unknown warmup method');

/**
 * Returns `method` when it is a {@link WarmupMethod}, else throws the reference's error
 * `Unknown warmup method: <m>` (detectron2 `WarmupParamScheduler`) after the argument's name.
 *
 * @param method the value to check.
 * @param name the argument that held it, named in the message.
 * @throws SolverError('argument') `<name>: Unknown warmup method: <m> (expected one of linear, constant)`.
 */
export function checkWarmupMethod(method: unknown, name: string): WarmupMethod {
  return readArg(name, method, WARMUP_METHODS);
}

/** Arguments of {@link warmupScheduler}. */
export interface WarmupSchedulerArgs {
  /** The main schedule; warmup is put in front of it. */
  readonly scheduler: ParamScheduler;
  /** The warmup starts at `warmupFactor · scheduler(0)`, e.g. 0.001. */
  readonly warmupFactor: number;
  /** Share of the run spent in warmup, in [0, 1], e.g. `WARMUP_ITERS / MAX_ITER`. */
  readonly warmupLength: number;
  /** Default `linear`. */
  readonly warmupMethod?: WarmupMethod;
  /**
   * false (default): the main schedule keeps the global `where` (it is cut, and warmup ends at
   * `scheduler(warmupLength)`); true: the main schedule is squeezed into the rest of the run
   * (starts at its own 0; warmup ends at `scheduler(0)`).
   */
  readonly rescaleInterval?: boolean;
}

/**
 * Puts a warmup stage in front of a schedule (detectron2 `WarmupParamScheduler`, SPEC §3.3):
 * `start = factor · s(0)`, `end = rescaleInterval ? s(0) : s(length)`, the warmup part is
 * Constant(start) or Linear(start, end), and the result is the composite of
 * `[warmup, s]` with lengths `[length, 1 − length]` and scaling
 * `['rescaled', rescaleInterval ? 'rescaled' : 'fixed']`.
 *
 * Why: large-batch training needs a gentle start (Goyal et al., "ImageNet in 1 hour").
 * NOTE: `warmupLength = 1` with `rescaleInterval` leaves the main part no room at all (the
 * reference divides by zero at the end); it is refused here.
 *
 * @param args see {@link WarmupSchedulerArgs}.
 * @returns the scheduler.
 * @throws SolverError('argument') for a factor that is not finite and >= 0, a length outside
 *   [0, 1], length 1 with rescaleInterval, or `Unknown warmup method: <m>`.
 * @example
 * ```ts
 * import { cosineScheduler } from './schedulers.js';
 * const s = warmupScheduler({ scheduler: cosineScheduler({ startValue: 1, endValue: 0 }), warmupFactor: 0.001, warmupLength: 0.1 });
 * s(0); // 0.001
 * s(0.05); // ≈ halfway between 0.001 and cos-value at 0.1
 * s(0.5); // 0.5, the cosine itself from 0.1 on
 * ```
 */
export function warmupScheduler(args: WarmupSchedulerArgs): ParamScheduler {
  const method: WarmupMethod = checkWarmupMethod(args.warmupMethod ?? 'linear', 'warmupScheduler.warmupMethod');
  const factor: number = readArg('warmupScheduler.warmupFactor', args.warmupFactor, numberAtLeast(0));
  const length: number = readArg('warmupScheduler.warmupLength', args.warmupLength, numberIn(0, 1));
  const rescale: boolean = args.rescaleInterval ?? false;
  if (typeof args.scheduler !== 'function') throw argumentError('warmupScheduler.scheduler', args.scheduler, 'a scheduler function');
  if (rescale && length >= 1) {
    throw argumentError('warmupScheduler.warmupLength', length, '< 1 when rescaleInterval is true (the main part needs room)');
  }
  const main: ParamScheduler = args.scheduler;
  const endValue: number = rescale ? main(0.0) : main(length);
  const startValue: number = factor * main(0.0);
  const warmup: ParamScheduler =
    method === 'constant' ? constantScheduler({ value: startValue }) : linearScheduler({ startValue, endValue });
  return compositeScheduler({
    schedulers: [warmup, main],
    lengths: [length, 1 - length],
    intervalScaling: ['rescaled', rescale ? 'rescaled' : 'fixed'],
  });
}

/** Arguments of {@link warmupPolyScheduler}. */
export interface WarmupPolySchedulerArgs {
  /** Exponent of `(1 − where)` (`SOLVER.POLY_LR_POWER`, default 0.9). */
  readonly power: number;
  /** Floor applied after warmup once the poly factor falls below it; 0 disables it (`SOLVER.POLY_LR_CONSTANT_ENDING`). */
  readonly constantEnding: number;
  /** Warmup factor at the first iteration (`SOLVER.WARMUP_FACTOR`). */
  readonly warmupFactor: number;
  /** `WARMUP_ITERS / MAX_ITER`, not clamped (a warmup longer than the run is legal, as in DeepLab). */
  readonly warmupLength: number;
  /** Default `linear`. */
  readonly warmupMethod?: WarmupMethod;
}

/**
 * detectron2 DeepLab's `WarmupPolyLR` as a function of `where = iter / MAX_ITER`:
 * `w(where) · (1 − where)^power`, where the warmup factor is multiplicative, as in the old
 * detectron2 warmup: `w = 1` once `where >= warmupLength`, else `factor` (constant) or
 * `factor · (1 − α) + α` with `α = where / warmupLength` (linear); and, when `constantEnding > 0`
 * and `w = 1`, the value is `constantEnding` wherever `(1 − where)^power < constantEnding`.
 *
 * Why: the poly schedule DeepLab trains with. NOTE: DeepLab computes `α = iter / WARMUP_ITERS`
 * and `LR = base · w · poly`; here `α = (iter/MAX_ITER) / (WARMUP_ITERS/MAX_ITER)` and
 * `LR = base · (w · poly)`, which can differ in the last bit. Past the end (where > 1) DeepLab
 * raises (a negative base to a fractional power); callers clamp `where` to 1 ({@link whereAt}).
 *
 * @param args see {@link WarmupPolySchedulerArgs}: power finite >= 0, constantEnding in [0, 1],
 *   warmupFactor finite >= 0, warmupLength finite >= 0.
 * @returns the scheduler.
 * @throws SolverError('argument') naming the argument that breaks its rule, or `Unknown warmup method: <m>`.
 * @example
 * ```ts
 * const s = warmupPolyScheduler({ power: 0.9, constantEnding: 0, warmupFactor: 0.001, warmupLength: 0 });
 * s(0.5); // 0.5^0.9 ≈ 0.5359
 * ```
 */
export function warmupPolyScheduler(args: WarmupPolySchedulerArgs): ParamScheduler {
  const power: number = readArg('warmupPolyScheduler.power', args.power, numberAtLeast(0));
  const ending: number = readArg('warmupPolyScheduler.constantEnding', args.constantEnding, numberIn(0, 1));
  const factor: number = readArg('warmupPolyScheduler.warmupFactor', args.warmupFactor, numberAtLeast(0));
  const length: number = readArg('warmupPolyScheduler.warmupLength', args.warmupLength, numberAtLeast(0));
  const linear: boolean = checkWarmupMethod(args.warmupMethod ?? 'linear', 'warmupPolyScheduler.warmupMethod') === 'linear';
  return (where: number): number => {
    const poly: number = (1.0 - where) ** power;
    const warmup: number = where >= length ? 1.0 : linear ? factor * (1 - where / length) + where / length : factor;
    return ending > 0 && warmup === 1.0 && poly < ending ? ending : warmup * poly;
  };
}
