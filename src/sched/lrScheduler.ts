// detectron2's LR schedule: the warmup in front of a main schedule, the config builder, and the LR
// multiplier that drives every parameter group's LR from one schedule.

import type { SolverConfig, SolverSection } from '../config/schema.js';
import { formatValue, SolverError } from '../errors.js';
import { argumentError, callable, integerAtLeast, numberAtLeast, numberIn, oneOf, readArg } from '../config/rules.js';
import {
  compositeScheduler,
  constantScheduler,
  cosineScheduler,
  linearScheduler,
  multiStepScheduler,
  type ParamScheduler,
  stepWithFixedGammaScheduler,
  whereAt,
} from './schedulers.js';
import { type Logger, silentLogger } from '../io/interfaces.js';

/**
 * What the LR multiplier drives: anything with per-group base learning rates that accepts new
 * learning rates (the optimizer in `src/optim` implements it; a test can pass a plain object).
 *
 * Why an interface this small: `src/sched` must not know about tfjs optimizers, and a schedule
 * only ever needs to read the base LRs once and write the current ones.
 *
 * @example
 * ```ts
 * const seen: number[][] = [];
 * const target: LearningRateTarget = {
 *   baseLearningRates: [0.02, 0.04],
 *   setLearningRates: (lrs) => { seen.push([...lrs]); },
 * };
 * ```
 */
export interface LearningRateTarget {
  /** Each parameter group's base LR (its LR before any schedule), in group order. */
  readonly baseLearningRates: readonly number[];
  /**
   * Sets every group's LR for the next update, in group order (one entry per group). The
   * multiplier passes a new array on every step and never writes to it afterwards; the target may
   * keep it but must not modify it.
   */
  setLearningRates(lrs: readonly number[]): void;
}

/**
 * What {@link LrMultiplier.state} saves and {@link LrMultiplier.loadState} restores: enough to
 * continue a run exactly (the schedule itself is a pure function and is rebuilt from the config).
 */
export interface LrMultiplierState {
  /** The iteration whose LR is applied next (0-based; = number of completed steps). */
  readonly iteration: number;
  /** Each group's base LR when the state was saved. */
  readonly baseLearningRates: readonly number[];
  /** `MAX_ITER` of the run that saved the state. */
  readonly maxIter: number;
}

function stateError(key: string, value: unknown, rule: string): SolverError {
  const field: string = key === '' ? '' : ` ${key}`;
  return new SolverError('state', `LR multiplier state${field}: got ${formatValue(value)}, expected ${rule}`);
}

/**
 * Checks that `value` is a well-formed {@link LrMultiplierState} for `groups` parameter groups
 * and returns a frozen copy.
 *
 * @throws SolverError('state') naming the first field that is missing or wrong.
 */
export function parseLrMultiplierState(value: unknown, groups: number): LrMultiplierState {
  if (typeof value !== 'object' || value === null) throw stateError('', value, 'an object');
  const raw: Partial<Record<keyof LrMultiplierState, unknown>> = value;
  const { iteration, baseLearningRates, maxIter } = raw;
  if (typeof iteration !== 'number' || !Number.isSafeInteger(iteration) || iteration < 0) {
    throw stateError('iteration', iteration, integerAtLeast(0).expected);
  }
  if (typeof maxIter !== 'number' || !Number.isSafeInteger(maxIter) || maxIter < 1) {
    throw stateError('maxIter', maxIter, integerAtLeast(1).expected);
  }
  const ok: boolean =
    Array.isArray(baseLearningRates) &&
    baseLearningRates.length === groups &&
    baseLearningRates.every((lr: unknown) => typeof lr === 'number' && Number.isFinite(lr) && lr >= 0);
  if (!ok) throw stateError('baseLearningRates', baseLearningRates, `${groups} finite numbers >= 0 (one per group)`);
  return Object.freeze({ iteration, maxIter, baseLearningRates: Object.freeze([...(baseLearningRates as number[])]) });
}

/** Options of {@link LrMultiplier}. */
export interface LrMultiplierOptions {
  /** Accept a saved state whose `maxIter` differs (`SOLVER.ALLOW_MAX_ITER_CHANGE`). Default false. */
  readonly allowMaxIterChange?: boolean;
}

/** Where the multiplier stands: the LRs the next update uses. */
export interface LrMultiplierSnapshot {
  /** The iteration the LRs are for (0-based). */
  readonly iteration: number;
  /** `whereAt(iteration, maxIter)`. */
  readonly where: number;
  /** `schedule(where)`. */
  readonly multiplier: number;
  /** `base LR × multiplier` per group. */
  readonly learningRates: readonly number[];
}

function baseRates(target: LearningRateTarget): readonly number[] {
  const rates: unknown = target.baseLearningRates;
  const ok: boolean =
    Array.isArray(rates) && rates.length > 0 && rates.every((r: unknown) => typeof r === 'number' && Number.isFinite(r) && r >= 0);
  if (!ok) throw argumentError('LrMultiplier target.baseLearningRates', rates, 'a non-empty array of finite numbers >= 0');
  return Object.freeze([...(rates as number[])]);
}

/**
 * Drives every parameter group's LR from one schedule: at iteration `i` each group's LR is its
 * base LR × `schedule(i / maxIter)` (detectron2 `LRMultiplier`).
 *
 * Why one multiplier for all groups: the relative scale between groups (bias LR factor, per-layer
 * LR) never changes, so a single schedule of the multiplier is enough. `buildLrScheduler` makes
 * one from a config; construct one yourself to drive the groups with a schedule of your own.
 * When the LR is applied: the LR used by step `i` is `base × m(i / maxIter)`. Call {@link apply}
 * once before the first step (fresh run or after {@link loadState}) and {@link step} after every
 * step (detectron2's LR hook steps in `after_step`). Construction reads the target's base LRs and
 * writes nothing (NOTE: PyTorch schedulers set the LR in their constructor, which makes
 * load-then-build and build-then-load disagree; here both give the same LR). At and after
 * `maxIter` the LR is the schedule's last value ({@link whereAt}).
 *
 * @example
 * ```ts
 * const target = { baseLearningRates: [0.02], setLearningRates: (lrs: readonly number[]) => console.log(lrs) };
 * const halfCosine = (where: number): number => 0.5 * (1 + Math.cos(Math.PI * where));
 * const lr = new LrMultiplier(target, halfCosine, 100); // or the optimizer as the target
 * lr.apply(); // [0.02]
 * lr.step(); // [0.02 × halfCosine(0.01)] ≈ [0.019995]
 * ```
 */
export class LrMultiplier {
  private readonly allowMaxIterChange: boolean;
  private baseLearningRates: readonly number[];
  private snapshot: LrMultiplierSnapshot;

  /**
   * @param target the optimizer (or any {@link LearningRateTarget}); its base LRs are copied now.
   * @param schedule the multiplier as a function of `where`.
   * @param maxIter total iterations, an integer >= 1.
   * @param options see {@link LrMultiplierOptions}.
   * @throws SolverError('argument') for a bad `maxIter`, schedule or base LRs.
   */
  public constructor(
    private readonly target: LearningRateTarget,
    private readonly schedule: ParamScheduler,
    private readonly maxIter: number,
    options: LrMultiplierOptions = {},
  ) {
    readArg('LrMultiplier maxIter', maxIter, integerAtLeast(1));
    readArg('LrMultiplier schedule', schedule, callable('a scheduler function'));
    this.allowMaxIterChange = options.allowMaxIterChange ?? false;
    this.baseLearningRates = baseRates(target);
    this.snapshot = this.snapshotAt(0, this.baseLearningRates);
  }

  /** The iteration, `where`, multiplier and per-group LRs the next update uses. */
  public get current(): LrMultiplierSnapshot {
    return this.snapshot;
  }

  /** Writes the current LRs to the target (before the first step, and after {@link loadState}). */
  public apply(): void {
    this.target.setLearningRates(this.snapshot.learningRates);
  }

  /**
   * Moves to the next iteration and writes its LRs to the target.
   *
   * @throws SolverError('argument') when the schedule returns a non-finite or negative value
   *   (nothing is changed then).
   */
  public step(): void {
    this.snapshot = this.snapshotAt(this.snapshot.iteration + 1, this.baseLearningRates);
    this.apply();
  }

  /** The state to save with a checkpoint: iteration, base LRs and `maxIter`. */
  public state(): LrMultiplierState {
    return Object.freeze({ iteration: this.snapshot.iteration, baseLearningRates: this.baseLearningRates, maxIter: this.maxIter });
  }

  /**
   * Restores a saved state; all or nothing. Does not write to the target: call {@link apply}.
   *
   * @param state what {@link state} returned (e.g. read back from JSON).
   * @throws SolverError('state') when the state is malformed, has a different number of groups,
   *   or was saved with another `maxIter` and `allowMaxIterChange` is false.
   */
  public loadState(state: unknown): void {
    const parsed: LrMultiplierState = parseLrMultiplierState(state, this.baseLearningRates.length);
    if (parsed.maxIter !== this.maxIter && !this.allowMaxIterChange) {
      throw new SolverError(
        'state',
        `SOLVER.MAX_ITER: the checkpoint was saved with ${parsed.maxIter}, this run has ${this.maxIter}; ` +
          'resuming with a different MAX_ITER is refused (set SOLVER.ALLOW_MAX_ITER_CHANGE true to continue ' +
          `at iteration ${parsed.iteration} on the new schedule)`,
      );
    }
    this.snapshot = this.snapshotAt(parsed.iteration, parsed.baseLearningRates);
    this.baseLearningRates = parsed.baseLearningRates;
  }

  private snapshotAt(iteration: number, bases: readonly number[]): LrMultiplierSnapshot {
    const where: number = whereAt(iteration, this.maxIter);
    const multiplier: number = this.schedule(where);
    if (!Number.isFinite(multiplier) || multiplier < 0) {
      throw argumentError(`LrMultiplier schedule(${where}) at iteration ${iteration}`, multiplier, 'a finite number >= 0');
    }
    // NOTE: not frozen (freezing two objects per step costs more than the schedule itself); the
    // readonly types keep callers from writing, and each step makes new objects.
    const learningRates: number[] = new Array<number>(bases.length);
    for (let g = 0; g < bases.length; g += 1) learningRates[g] = (bases[g] ?? NaN) * multiplier;
    return { iteration, where, multiplier, learningRates };
  }
}

/** How the warmup stage moves: `linear` from `factor · s(0)` to its end value, or `constant` at `factor · s(0)`. */
export type WarmupMethod = 'linear' | 'constant';

const WARMUP_METHODS = oneOf(['linear', 'constant'], 'Unknown warmup method');

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
 * Puts a warmup stage in front of a schedule (detectron2 `WarmupParamScheduler`):
 * `start = factor · s(0)`, `end = rescaleInterval ? s(0) : s(length)`, the warmup part is
 * Constant(start) or Linear(start, end), and the result is the composite of
 * `[warmup, s]` with lengths `[length, 1 − length]` and scaling
 * `['rescaled', rescaleInterval ? 'rescaled' : 'fixed']`.
 *
 * Why: large-batch training needs a gentle start (Goyal et al., "ImageNet in 1 hour").
 * NOTE: `warmupLength = 1` with `rescaleInterval` leaves the main part no room at all (the
 * reference divides by zero at the end); it is refused here.
 *
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
  const method: WarmupMethod = readArg('warmupScheduler.warmupMethod', args.warmupMethod ?? 'linear', WARMUP_METHODS);
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
  const linear: boolean = readArg('warmupPolyScheduler.warmupMethod', args.warmupMethod ?? 'linear', WARMUP_METHODS) === 'linear';
  return (where: number): number => {
    const poly: number = (1.0 - where) ** power;
    const warmup: number = where >= length ? 1.0 : linear ? factor * (1 - where / length) + where / length : factor;
    return ending > 0 && warmup === 1.0 && poly < ending ? ending : warmup * poly;
  };
}

/** The `SOLVER.LR_SCHEDULER_NAME` values this package builds. */
export type LrSchedulerName = SolverSection['LR_SCHEDULER_NAME'];

/** Every {@link LrSchedulerName}, in documentation order. */
export const LR_SCHEDULER_NAMES: readonly LrSchedulerName[] = Object.freeze([
  'WarmupMultiStepLR',
  'WarmupCosineLR',
  'WarmupStepWithFixedGammaLR',
  'WarmupPolyLR',
]);

/**
 * The `SOLVER.STEPS` that can take effect: those `<= MAX_ITER`, as detectron2 keeps them. The
 * others are dropped with ONE warning that lists them all. (That the steps are integers > 0,
 * strictly increasing and never equal to MAX_ITER is checked when the config is loaded.)
 */
export function keptSteps(steps: readonly number[], maxIter: number, logger: Pick<Logger, 'warn'>): readonly number[] {
  const dropped: readonly number[] = steps.filter((step: number) => step > maxIter);
  if (dropped.length > 0) {
    const shown: string = dropped.length > 10 ? `${dropped.slice(0, 10).join(', ')} and ${dropped.length - 10} more` : dropped.join(', ');
    logger.warn(`SOLVER.STEPS contains values larger than SOLVER.MAX_ITER (${maxIter}): ${shown}; they are ignored.`);
  }
  return steps.filter((step: number) => step <= maxIter);
}

/**
 * The main part (before warmup is added) of the three detectron2 schedules:
 * MultiStep(values `GAMMA^k`, milestones = kept STEPS, numUpdates = MAX_ITER),
 * Cosine(1, BASE_LR_END / BASE_LR), StepWithFixedGamma(1, NUM_DECAYS, GAMMA, MAX_ITER).
 * The config is a validated one: its rules were checked when it was loaded.
 */
export function mainScheduler(
  name: Exclude<LrSchedulerName, 'WarmupPolyLR'>,
  solver: SolverSection,
  logger: Pick<Logger, 'warn'>,
): ParamScheduler {
  const maxIter: number = solver.MAX_ITER;
  if (name === 'WarmupCosineLR') return cosineScheduler({ startValue: 1, endValue: solver.BASE_LR_END / solver.BASE_LR });
  if (name === 'WarmupStepWithFixedGammaLR') {
    return stepWithFixedGammaScheduler({ baseValue: 1.0, numDecays: solver.NUM_DECAYS, gamma: solver.GAMMA, numUpdates: maxIter });
  }
  const steps: readonly number[] = keptSteps(solver.STEPS, maxIter, logger);
  const values: number[] = Array.from({ length: steps.length + 1 }, (_v, k: number) => solver.GAMMA ** k);
  return multiStepScheduler({ values, milestones: steps, numUpdates: maxIter });
}

/** Options of {@link buildParamScheduler} and `buildLrScheduler`. */
export interface BuildScheduleOptions {
  /** Receives the warning about dropped `SOLVER.STEPS`. Default: warnings are dropped. */
  readonly logger?: Pick<Logger, 'warn'>;
}

/**
 * The LR multiplier schedule a config describes (detectron2 `build_lr_scheduler` without the
 * optimizer): the main schedule named by `SOLVER.LR_SCHEDULER_NAME`, wrapped in a
 * warmup of length `min(WARMUP_ITERS / MAX_ITER, 1)` (with `RESCALE_INTERVAL`).
 * `WarmupPolyLR` is detectron2 DeepLab's poly schedule with its own multiplicative warmup
 * (`POLY_LR_POWER`, `POLY_LR_CONSTANT_ENDING`; `RESCALE_INTERVAL` does not apply to it).
 *
 * Why separate from the optimizer: the CLI plots and the benchmark times the schedule alone.
 * The config is trusted: every rule of its keys (and of pairs of keys, such as a cosine
 * `BASE_LR_END <= BASE_LR`) was checked once, when it was loaded.
 *
 * @param config a config from `loadConfig`, `parseConfig` or `mergeConfig` (only `SOLVER` is read).
 * @param options see {@link BuildScheduleOptions}.
 * @returns `m(where)`, the multiplier of every base LR.
 * @example
 * ```ts
 * const m = buildParamScheduler(DEFAULT_CONFIG);
 * m(0); // 0.001 (WARMUP_FACTOR)
 * m(0.5); // 1
 * m(0.75); // 0.1 (after STEPS [30000] of MAX_ITER 40000)
 * ```
 */
export function buildParamScheduler(config: SolverConfig, options: BuildScheduleOptions = {}): ParamScheduler {
  const solver = config.SOLVER;
  const { LR_SCHEDULER_NAME: name, MAX_ITER: maxIter, WARMUP_ITERS: warmupIters, WARMUP_FACTOR: warmupFactor } = solver;
  const warmupMethod = solver.WARMUP_METHOD;
  if (name === 'WarmupPolyLR') {
    const power: number = solver.POLY_LR_POWER;
    const constantEnding: number = solver.POLY_LR_CONSTANT_ENDING;
    return warmupPolyScheduler({ power, constantEnding, warmupFactor, warmupLength: warmupIters / maxIter, warmupMethod });
  }
  const rescaleInterval: boolean = solver.RESCALE_INTERVAL;
  const scheduler: ParamScheduler = mainScheduler(name, solver, options.logger ?? silentLogger);
  const warmupLength: number = Math.min(warmupIters / maxIter, 1.0);
  return warmupScheduler({ scheduler, warmupFactor, warmupLength, warmupMethod, rescaleInterval });
}

/**
 * The LR multiplier a config describes, driving `target` (detectron2 `build_lr_scheduler`):
 * {@link buildParamScheduler} for the schedule, `SOLVER.MAX_ITER` for its length,
 * `SOLVER.ALLOW_MAX_ITER_CHANGE` for the resume policy.
 *
 * Why: one call turns a detectron2 `SOLVER:` block into per-group LRs. Building writes nothing to
 * `target`; call `apply()` before the first step and `step()` after each.
 *
 * @param config a loaded config.
 * @param target the optimizer, or any {@link LearningRateTarget}.
 * @param options see {@link BuildScheduleOptions} (the logger for dropped STEPS).
 * @returns the {@link LrMultiplier}, at iteration 0.
 * @throws SolverError('argument') when the
 *   target's base LRs are not a non-empty list of finite numbers >= 0.
 * @example
 * ```ts
 * const lr = buildLrScheduler(DEFAULT_CONFIG, optimizer);
 * lr.apply(); // every group at base LR × 0.001
 * ```
 */
export function buildLrScheduler(config: SolverConfig, target: LearningRateTarget, options: BuildScheduleOptions = {}): LrMultiplier {
  const schedule = buildParamScheduler(config, options);
  const allowMaxIterChange: boolean = config.SOLVER.ALLOW_MAX_ITER_CHANGE;
  return new LrMultiplier(target, schedule, config.SOLVER.MAX_ITER, { allowMaxIterChange });
}
