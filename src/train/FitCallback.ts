import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../errors.js';
import type { Hook } from '../hooks/Hook.js';
import { settleOptimizer } from '../optim/SolverOptimizer.js';
import { TrainingRun } from './Trainer.js';

type UnresolvedLogs = Parameters<tf.Callback['onBatchEnd']>[1];

function lossOf(logs: UnresolvedLogs): tf.Scalar | null {
  const loss: unknown = logs?.loss;
  return loss instanceof tf.Tensor ? (loss as tf.Scalar) : null;
}

/**
 * The `model.fit` adapter: ONE tfjs callback object that runs the solver's hooks inside
 * `tf.LayersModel.fit` and `fitDataset`, with the same calling rules as the {@link Trainer}.
 *
 * - Iterations are counted globally from `startIter`: `onBatchBegin`'s batch index restarts
 *   every epoch, ours does not, so the LR schedule never restarts with an epoch.
 * - Training stops after iteration `maxIter − 1` (it sets `model.stopTraining`); pass enough
 *   `epochs` (or `batchesPerEpoch × epochs`) to reach it.
 * - The loss reaches the hooks as the device scalar fit computed; nothing here syncs.
 * - tfjs does not call `onTrainEnd` when `fit` throws. Wrap the call in {@link FitCallback.guard}
 *   so `afterTrain` runs then too and the error still propagates.
 *
 * @example
 * ```ts
 * const callback = new FitCallback(hooks, { maxIter: 1000 });
 * await callback.guard(model.fit(xs, ys, { epochs: 100, batchSize: 32, callbacks: callback }));
 * ```
 */
export class FitCallback extends tf.Callback {
  private run: TrainingRun | null = null;

  /**
   * @param hooks the hooks (a `HookList` or a single hook).
   * @param range `maxIter` and the first iteration (`startIter`, default 0).
   */
  public constructor(
    private readonly hooks: Hook,
    private readonly range: { readonly maxIter: number; readonly startIter?: number },
  ) {
    super();
  }

  /**
   * Starts the run and calls `beforeTrain`.
   * @throws SolverError kind `state` when `startIter` already reached `maxIter` (fit always runs
   *   at least one batch, which would train past the end).
   */
  public override async onTrainBegin(): Promise<void> {
    const run: TrainingRun = new TrainingRun(this.hooks, this.range.startIter ?? 0, this.range.maxIter);
    if (run.finished) {
      throw new SolverError('state', `nothing to train: start iteration ${run.ctx.startIter} >= SOLVER.MAX_ITER ${run.ctx.maxIter}`);
    }
    this.run = run;
    await run.begin();
  }

  /** Calls `beforeStep` for the current global iteration. */
  public override async onBatchBegin(): Promise<void> {
    await this.active().beforeStep();
  }

  /** Calls `afterStep` with fit's loss; stops fit once `maxIter` iterations are done. */
  public override async onBatchEnd(_batch: number, logs?: UnresolvedLogs): Promise<void> {
    const run: TrainingRun = this.active();
    try {
      await settleOptimizer(this.model.optimizer, this.model);
      await run.afterStep(lossOf(logs));
    } catch (error: unknown) {
      // fit disposes the batch's log tensors only when onBatchEnd returns; free them on failure.
      tf.dispose(Object.values(logs ?? {}).filter((value): value is tf.Scalar => value instanceof tf.Tensor));
      throw error;
    }
    if (run.finished) this.model.stopTraining = true;
  }

  /** Calls `afterTrain`. */
  public override async onTrainEnd(): Promise<void> {
    await this.active().end();
  }

  /**
   * Awaits `training` (a `fit`/`fitDataset` promise); if it rejects, runs `afterTrain` and
   * rethrows the original error.
   */
  public async guard<T>(training: Promise<T>): Promise<T> {
    try {
      return await training;
    } catch (error: unknown) {
      await this.run?.end(error);
      throw error;
    }
  }

  /** The first iteration the next `fit` starts at: where this one stopped. */
  public get nextIteration(): number {
    return this.run?.ctx.iteration ?? this.range.startIter ?? 0;
  }

  private active(): TrainingRun {
    if (this.run === null) throw new SolverError('state', 'FitCallback: a batch event arrived before onTrainBegin');
    return this.run;
  }
}
