import { SolverError } from '../errors.js';
import type { LrMultiplierSnapshot } from '../sched/lrScheduler.js';
import type { Hook, HookContext } from './Hook.js';

/**
 * What the LR hook drives: `LrMultiplier` from `src/sched` (built by `buildLrScheduler`), or
 * any replacement with the same shape (bind your own to `TOKENS.Scheduler`).
 * @example
 * ```ts
 * const constant: LrScheduler = {
 *   current: { iteration: 0, learningRates: [0.01] },
 *   apply: () => undefined,
 *   step: () => undefined,
 *   state: () => ({}),
 *   loadState: () => undefined,
 * };
 * container.rebind(TOKENS.Scheduler).toConstantValue(constant);
 * ```
 */
export interface LrScheduler {
  /** The iteration the next update is for, and its per-group LRs. */
  readonly current: Pick<LrMultiplierSnapshot, 'iteration' | 'learningRates'>;
  /** Writes the current LRs to the optimizer. */
  apply(): void;
  /** Moves to the next iteration and writes its LRs. */
  step(): void;
  /** JSON-serialisable state for checkpoints. */
  state(): unknown;
  /** Restores `state()`; does not write LRs (call `apply`). */
  loadState(state: unknown): void;
}

/**
 * Drives the LR schedule from the training loop, in detectron2's order: the LR for the coming
 * step is in the optimizer before the step; after it, the LR the step used is recorded as `lr`
 * and the scheduler moves to the next iteration.
 *
 * Why this order: the first update uses `WARMUP_FACTOR × BASE_LR` (not 0 and not the second
 * value), and after a resume at iteration k the first resumed step uses the LR of k exactly.
 * `beforeTrain` checks that the scheduler stands where the loop starts, so a resume that forgot
 * the scheduler state fails loudly instead of restarting the warmup.
 *
 * @example
 * ```ts
 * const scheduler = buildLrScheduler(config, optimizer);
 * const hook = new LrSchedulerHook(scheduler);
 * ```
 */
export class LrSchedulerHook implements Hook {
  /**
   * @param scheduler the LR multiplier (or a replacement, see {@link LrScheduler}).
   * @param reportGroup the group whose LR is recorded as `lr` (see `pickReportedGroup`). Default 0.
   */
  public constructor(
    private readonly scheduler: LrScheduler,
    private readonly reportGroup: number = 0,
  ) {}

  /**
   * Writes the LRs of the first iteration to the optimizer.
   * @throws SolverError kind `state` when the scheduler's iteration is not the loop's start.
   */
  public beforeTrain(ctx: HookContext): void {
    const at: number = this.scheduler.current.iteration;
    if (at !== ctx.startIter) {
      throw new SolverError(
        'state',
        `LR scheduler is at iteration ${at} but training starts at ${ctx.startIter}; load the scheduler state with the checkpoint`,
      );
    }
    this.scheduler.apply();
  }

  /** Records the LR the step used as `lr`, then steps the scheduler (which writes the next LRs). */
  public afterStep(ctx: HookContext): void {
    const lrs: readonly number[] = this.scheduler.current.learningRates;
    const lr: number | undefined = lrs[this.reportGroup] ?? lrs[0];
    if (lr !== undefined) ctx.storage.put('lr', lr);
    this.scheduler.step();
  }
}
