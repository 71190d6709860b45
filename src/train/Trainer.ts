import * as tf from '@tensorflow/tfjs';
import { releaseAbandonedTape } from '../optim/kernels/tfjsInternals.js';
import { translateBackendError } from '../backend/translateBackendError.js';
import { SolverError } from '../errors.js';
import { type Hook, type HookContext, HookList, type RunEnding } from '../hooks/Hook.js';
import { EventStorage } from '../hooks/metrics.js';
import { settleOptimizer } from '../optim/SolverOptimizer.js';
import type { Batch } from './data.js';

/**
 * Where a {@link Trainer} gets each step's batch: a function of the iteration.
 *
 * Why indexed by iteration: the batch of iteration `i` must be the same whether the run started
 * at 0 or resumed at `k` — that is what makes resume exact. {@link ShuffledBatches} gives that
 * for in-memory tensors. The trainer owns (and disposes) the tensors a batch returns.
 *
 * Why: a batch that depends only on its iteration makes a resumed run see the same data as an uninterrupted one.
 * @example
 * ```ts
 * const batches: DataSource<{ xs: tf.Tensor; ys: tf.Tensor }> = {
 *   batch: (iteration) => ({ xs: tf.randomNormal([32, 2], 0, 1, 'float32', iteration), ys: tf.zeros([32, 1]) }),
 * };
 * ```
 */
export interface DataSource<B> {
  /** The batch for `iteration`; new tensors, or a promise of them. */
  batch(iteration: number): B | Promise<B>;
}

/**
 * Combines gradients across workers before clipping: the seam where a multi-worker all-reduce
 * goes (DESIGN "Scale"). One process on one machine needs none: {@link identityReducer}.
 *
 * Contract: called inside `tf.tidy`, synchronously, with the gradients of one step; returns
 * gradients with the same keys and shapes (new tensors or the inputs unchanged).
 */
export interface GradientReducer {
  reduce(grads: tf.NamedTensorMap): tf.NamedTensorMap;
}

/** The single-process reducer: returns the gradients unchanged. */
export const identityReducer: GradientReducer = Object.freeze({
  reduce(grads: tf.NamedTensorMap): tf.NamedTensorMap {
    return grads;
  },
});

/**
 * The {@link Trainer}'s `loss` for a `tf.LayersModel`: runs the model in training mode
 * (BatchNormalization uses batch statistics and updates its moving averages, as in `fit`)
 * and applies `lossFn(ys, prediction)`.
 *
 * @param model the model.
 * @param lossFn e.g. `tf.losses.sigmoidCrossEntropy` or `tf.losses.meanSquaredError`.
 * @example
 * ```ts
 * const trainer = new Trainer({ data, loss: layersModelLoss(model, tf.losses.meanSquaredError), optimizer, maxIter: 1000 });
 * ```
 */
export function layersModelLoss(
  model: tf.LayersModel,
  lossFn: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor,
): (batch: Batch) => tf.Scalar {
  return (batch: Batch): tf.Scalar => {
    const prediction: tf.Tensor = model.apply(batch.xs, { training: true }) as tf.Tensor;
    return tf.mean(lossFn(batch.ys, prediction));
  };
}

interface MutableContext {
  iteration: number;
  startIter: number;
  maxIter: number;
  loss: tf.Scalar | null;
  storage: EventStorage;
  ending?: RunEnding;
}

/**
 * Where training stands across runs: the first iteration not yet completed. The one record of
 * "where the run stopped": a {@link TrainingRun} moves it forward as each step completes, so
 * every loop sharing it (a `Trainer`, the `model.fit` adapter, a `Solver`'s next run) starts where
 * the previous one stopped, whichever loop ran it.
 *
 * @example
 * ```ts
 * const position = new RunPosition(await checkpointer.resume());
 * await new Trainer({ optimizer, data, loss, hooks: [new IterationTimer()], maxIter: 1000, position }).train();
 * position.next; // maxIter when training finished
 * ```
 */
export class RunPosition {
  /** @param next the first iteration not yet completed (0, or what a checkpoint recorded). */
  public constructor(public next: number = 0) {}
}

function checkIterations(startIter: number, maxIter: number): void {
  if (!Number.isInteger(maxIter) || maxIter < 1) {
    throw new SolverError('argument', `maxIter (SOLVER.MAX_ITER): got ${maxIter}, expected an integer >= 1`);
  }
  if (!Number.isInteger(startIter) || startIter < 0 || startIter > maxIter) {
    throw new SolverError('argument', `startIter: got ${startIter}, expected an integer in [0, ${maxIter}] (MAX_ITER)`);
  }
}

/**
 * The hook-calling half of a training loop, shared by {@link Trainer} and the `model.fit`
 * adapter so both call hooks identically: it owns the {@link HookContext}, counts iterations
 * globally, and guarantees `afterTrain` runs once.
 *
 * Why separate: `fit` drives training through callbacks (it calls us), the `Trainer` drives it
 * in a loop (we call it); the lifecycle rules must not differ between them.
 */
export class TrainingRun {
  private readonly context: MutableContext;
  private ended: boolean = false;

  /**
   * @param hooks run in this order.
   * @param position where training stands; the run starts at `position.next` and moves it
   *   forward as each step completes.
   * @param maxIter training stops before this iteration.
   * @throws SolverError kind `argument` unless 0 <= position.next <= maxIter, maxIter >= 1, integers.
   */
  public constructor(
    private readonly hooks: Hook,
    private readonly position: RunPosition,
    maxIter: number,
  ) {
    const startIter: number = position.next;
    checkIterations(startIter, maxIter);
    this.context = { iteration: startIter, startIter, maxIter, loss: null, storage: new EventStorage() };
  }

  /** The context hooks see. */
  public get ctx(): HookContext {
    return this.context;
  }

  /** True when every iteration up to `maxIter` has completed. */
  public get finished(): boolean {
    return this.context.iteration >= this.context.maxIter;
  }

  /** Calls `beforeTrain`. */
  public async begin(): Promise<void> {
    await this.hooks.beforeTrain?.(this.context);
  }

  /** Calls `beforeStep` for the current iteration. */
  public async beforeStep(): Promise<void> {
    await this.hooks.beforeStep?.(this.context);
  }

  /** Calls `afterStep` with the step's loss (still owned by the caller), then counts the iteration as done. */
  public async afterStep(loss: tf.Scalar | null): Promise<void> {
    this.context.loss = loss;
    try {
      await this.hooks.afterStep?.(this.context);
    } finally {
      this.context.loss = null;
    }
    this.context.iteration += 1;
    this.position.next = this.context.iteration;
  }

  /**
   * Calls `afterTrain` once (later calls do nothing). With `failure`, an error from the hooks
   * does not replace it: the caller rethrows `failure`.
   */
  public async end(failure?: unknown): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const { iteration, maxIter } = this.context;
    this.context.ending = failure !== undefined ? 'failed' : iteration >= maxIter ? 'finished' : 'stopped';
    try {
      await this.hooks.afterTrain?.(this.context);
    } catch (error: unknown) {
      if (failure === undefined) throw error;
    }
  }
}

/**
 * What {@link Trainer} needs; every collaborator is passed in (no container required).
 * @example
 * ```ts
 * const options: TrainerOptions<{ xs: tf.Tensor; ys: tf.Tensor }> = {
 *   data,
 *   loss: (b) => tf.losses.meanSquaredError(b.ys, model.apply(b.xs) as tf.Tensor),
 *   optimizer,
 *   maxIter: 1000,
 * };
 * await new Trainer(options).train();
 * ```
 */
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
  /** The first iteration; set it from `Checkpointer.resume()`. Default 0 (ignored when `position` is given). */
  readonly startIter?: number;
  /** Where training stands, shared with other loops (a `Solver` passes its own). Default: a new one at `startIter`. */
  readonly position?: RunPosition;
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
 * const trainer = new Trainer({ data, loss: (b) => tf.losses.meanSquaredError(b.ys, model.apply(b.xs) as tf.Tensor),
 *   optimizer, maxIter: 1000, hooks: [new LrSchedulerHook(scheduler)] });
 * await trainer.train();
 * ```
 */
export class Trainer<B> {
  /** The hooks; `trainer.hooks.add(hook)` registers one more before `train()`. */
  public readonly hooks: HookList;
  /** Where training stands (shared with whoever passed it in `options.position`). */
  public readonly position: RunPosition;
  private readonly now: () => number;

  /** @param options the collaborators and the iteration range. */
  public constructor(private readonly options: TrainerOptions<B>) {
    this.hooks = new HookList(options.hooks ?? []);
    this.position = options.position ?? new RunPosition(options.startIter ?? 0);
    this.now = options.now ?? ((): number => performance.now());
  }

  /**
   * The iteration the next `train()` starts at (`position.next`): `options.startIter` (set it after
   * loading a checkpoint), then the first iteration the last run did not complete (`maxIter` when
   * it finished), so a second `train()` continues instead of redoing steps.
   */
  public get startIter(): number {
    return this.position.next;
  }

  public set startIter(iteration: number) {
    this.position.next = iteration;
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
    const run: TrainingRun = new TrainingRun(this.hooks, this.position, this.options.maxIter);
    try {
      await run.begin();
      while (!run.finished) {
        await run.beforeStep();
        const loss: tf.Scalar = await this.runStep(run);
        try {
          await settleOptimizer(this.options.optimizer);
          await run.afterStep(loss);
        } finally {
          loss.dispose();
        }
      }
    } catch (error: unknown) {
      await run.end(error);
      throw error;
    }
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
      releaseAbandonedTape();
      // A missing kernel (e.g. wasm's Conv2D gradient) becomes a SolverError naming the backend and the fix.
      throw translateBackendError(error);
    } finally {
      tf.dispose(batch as tf.TensorContainer);
    }
  }
}

// The training loops the hooks plug into: a custom-loop Trainer and the model.fit adapter.
