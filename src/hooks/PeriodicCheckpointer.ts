import { SolverError } from '../errors/SolverError.js';
import type { Hook } from './Hook.js';
import type { HookContext } from './HookContext.js';
import type { Checkpointer } from './checkpoint/Checkpointer.js';
import { FINAL_CHECKPOINT, periodicCheckpointName } from './checkpoint/checkpointNames.js';

/**
 * Saves a checkpoint every `period` iterations and once more when training finishes.
 *
 * Why a hook: when to save is policy (detectron2's `PeriodicCheckpointer`); what a checkpoint
 * holds and how it is written is the {@link Checkpointer}'s job. After step `i` completes, a
 * checkpoint named `model_{i+1}` is written when `(i + 1) % period === 0`, recording `i + 1` as
 * the iteration to resume at. At the end, `model_final.ckpt` is written only when training
 * reached `maxIter` (a failed run keeps its last periodic checkpoint; its state may be bad).
 *
 * @example
 * ```ts
 * const hook = new PeriodicCheckpointer(checkpointer, config.SOLVER.CHECKPOINT_PERIOD);
 * ```
 */
export class PeriodicCheckpointer implements Hook {
  /**
   * @param checkpointer writes the files.
   * @param period iterations between checkpoints (`SOLVER.CHECKPOINT_PERIOD`).
   * @throws SolverError kind `argument` when period is not an integer >= 1.
   */
  public constructor(
    private readonly checkpointer: Checkpointer,
    private readonly period: number,
  ) {
    if (!Number.isInteger(period) || period < 1) {
      throw new SolverError('argument', `period (SOLVER.CHECKPOINT_PERIOD): got ${period}, expected an integer >= 1`);
    }
  }

  /** Saves `model_{i+1}` when step `i` ends a period (not at the last step: `afterTrain` saves the final one). */
  public async afterStep(ctx: HookContext): Promise<void> {
    const done: number = ctx.iteration + 1;
    if (done % this.period === 0 && done < ctx.maxIter) {
      await this.checkpointer.save(periodicCheckpointName(done), done);
    }
  }

  /** Saves `model_final` when training reached `maxIter`. */
  public async afterTrain(ctx: HookContext): Promise<void> {
    if (ctx.iteration >= ctx.maxIter) await this.checkpointer.save(FINAL_CHECKPOINT, ctx.iteration);
  }
}
