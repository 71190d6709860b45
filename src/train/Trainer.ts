import * as tf from '@tensorflow/tfjs';
import type { Hook } from '../hooks/Hook.js';
import { HookList } from '../hooks/HookList.js';
import type { DataSource } from './DataSource.js';
import { TrainingRun } from './TrainingRun.js';
import { translateBackendError } from '../backend/translateBackendError.js';

/** What {@link Trainer} needs; every collaborator is passed in (no container required). */
export interface TrainerOptions<B> {
  /** The batch of each iteration. */
  readonly data: DataSource<B>;
  /** The loss of one batch, computed with tf ops (called inside `tf.variableGrads`). */
  readonly loss: (batch: B) => tf.Scalar;
  /** The variables to train (e.g. `model.trainableWeights.map((w) => w.read())`); default: every trainable variable. */
  readonly variables?: readonly tf.Variable[];
  /** The optimizer; its `applyGradients` clips (through its Clipper) and updates. */
  readonly optimizer: tf.Optimizer;
  /** Hooks, in the order they run. */
  readonly hooks?: readonly Hook[];
  /** Training stops before this iteration (`SOLVER.MAX_ITER`). */
  readonly maxIter: number;
  /** The first iteration; set it from `Checkpointer.resume()`. Default 0. */
  readonly startIter?: number;
  /** Milliseconds from a fixed origin, for `data_time`. Default `performance.now()`. */
  readonly now?: () => number;
}

/**
 * An iteration-based training loop (detectron2's `SimpleTrainer`): for each iteration from
 * `startIter` to `maxIter − 1`, get the batch, compute the loss and its gradients
 * (`tf.variableGrads`), and hand them to the optimizer, whose `applyGradients` runs the
 * gradient reducer and Clipper and then the update. Everything else (LR schedule, checkpoints,
 * metrics, EMA, progress) is a {@link Hook}; see `Hook` for the exact calling order.
 *
 * Why a custom loop next to `model.fit`: it trains any tf function (not only LayersModels),
 * resumes mid-epoch exactly (batches are a function of the iteration), and records `data_time`.
 * The step holds no device sync; the loss stays on the device for the hooks.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({ data, loss: (b) => tf.losses.meanSquaredError(b.ys, model.apply(b.xs)),
 *   optimizer, maxIter: 1000, hooks: [new LrSchedulerHook(scheduler)] });
 * await trainer.train();
 * ```
 */
export class Trainer<B> {
  /** The hooks; `trainer.hooks.add(hook)` registers one more before `train()`. */
  public readonly hooks: HookList;
  /**
   * The iteration the next `train()` starts at: `options.startIter` (set it after loading a
   * checkpoint), then, after each `train()`, the first iteration that run did not complete
   * (`maxIter` when it finished), so a second `train()` continues instead of redoing steps.
   */
  public startIter: number;
  private readonly now: () => number;

  /** @param options the collaborators and the iteration range. */
  public constructor(private readonly options: TrainerOptions<B>) {
    this.hooks = new HookList(options.hooks ?? []);
    this.startIter = options.startIter ?? 0;
    this.now = options.now ?? ((): number => performance.now());
  }

  /**
   * Runs `beforeTrain`, the steps from `startIter` to `maxIter − 1`, and `afterTrain` (also when
   * a step or hook throws; that error is then rethrown). Before `afterTrain`, {@link startIter}
   * moves to the first iteration not completed: calling `train()` again after it finished runs no
   * step (only `beforeTrain`/`afterTrain`); after a failure it continues at the failed iteration
   * (whose update may already be applied when a hook failed: resume from a checkpoint to be exact).
   * @throws SolverError kind `argument` for an invalid iteration range; whatever a step or hook throws.
   */
  public async train(): Promise<void> {
    const run: TrainingRun = new TrainingRun(this.hooks, this.startIter, this.options.maxIter);
    try {
      await run.begin();
      while (!run.finished) {
        await run.beforeStep();
        const loss: tf.Scalar = await this.runStep(run);
        try {
          await run.afterStep(loss);
        } finally {
          loss.dispose();
        }
      }
    } catch (error: unknown) {
      this.startIter = run.ctx.iteration;
      await run.end(error);
      throw error;
    }
    this.startIter = run.ctx.iteration;
    await run.end();
  }

  private async runStep(run: TrainingRun): Promise<tf.Scalar> {
    const started: number = this.now();
    const batch: B = await this.options.data.batch(run.ctx.iteration);
    run.ctx.storage.put('data_time', (this.now() - started) / 1000);
    try {
      return tf.tidy((): tf.Scalar => {
        const variables: tf.Variable[] | undefined = this.options.variables === undefined ? undefined : [...this.options.variables];
        const { value, grads } = tf.variableGrads(() => this.options.loss(batch), variables);
        this.options.optimizer.applyGradients(grads);
        return value;
      });
    } catch (error: unknown) {
      // A missing kernel (e.g. wasm's Conv2D gradient) becomes a SolverError naming the backend and the fix.
      throw translateBackendError(error);
    } finally {
      tf.dispose(batch as tf.TensorContainer);
    }
  }
}
