import { SolverError } from '../errors/index.js';
import type { LearningRateTarget } from './LearningRateTarget.js';
import type { LrMultiplierState } from './LrMultiplierState.js';
import { parseLrMultiplierState } from './LrMultiplierState.js';
import type { ParamScheduler } from './ParamScheduler.js';
import { argumentError, integerArg } from './schedulerArgs.js';
import { whereAt } from './whereAt.js';

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
  const ok: boolean = Array.isArray(rates) && rates.length > 0 && rates.every((r: unknown) => typeof r === 'number' && Number.isFinite(r) && r >= 0);
  if (!ok) throw argumentError('LrMultiplier target.baseLearningRates', rates, 'a non-empty array of finite numbers >= 0');
  return Object.freeze([...(rates as number[])]);
}

/**
 * Drives every parameter group's LR from one schedule: at iteration `i` each group's LR is its
 * base LR × `schedule(i / maxIter)` (detectron2 `LRMultiplier`, SPEC §3.4).
 *
 * Why one multiplier for all groups: the relative scale between groups (bias LR factor, per-layer
 * LR) never changes, so a single schedule of the multiplier is enough.
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
 * const lr = new LrMultiplier(target, cosineScheduler({ startValue: 1, endValue: 0 }), 100);
 * lr.apply(); // [0.02]
 * lr.step(); // [0.02 × m(0.01)]
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
    integerArg('LrMultiplier maxIter', maxIter, 1);
    if (typeof schedule !== 'function') throw argumentError('LrMultiplier schedule', schedule, 'a scheduler function');
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
