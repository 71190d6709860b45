import type * as tf from '@tensorflow/tfjs';
import type { Container } from 'inversify';
import type { Checkpointer } from '../hooks/Checkpointer.js';
import { type Hook, type HookContext, HookList } from '../hooks/Hook.js';
import type { LrScheduler } from '../hooks/LrSchedulerHook.js';
import { SolverError } from '../errors.js';
import type { SolverOptimizer } from '../optim/SolverOptimizer.js';
import { FitCallback } from '../train/FitCallback.js';
import { type DataSource, Trainer } from '../train/Trainer.js';
import { resolve, resolveAll, TOKENS } from './solverModule.js';

/** The resolved parts a {@link Solver} runs with (what `createSolver` takes from the container). */
export interface SolverParts {
  readonly optimizer: SolverOptimizer;
  readonly scheduler: LrScheduler;
  readonly checkpointer: Checkpointer;
  readonly hooks: readonly Hook[];
  readonly maxIter: number;
}

/**
 * A wired solver: the optimizer to compile with, and the two ways to train with its hooks
 * ({@link Solver.trainer} for a custom loop, {@link Solver.callbacks}/{@link Solver.fit} for
 * `model.fit`). Made by `createSolver(container)`; usable without a container too.
 *
 * The first iteration of the next run is {@link Solver.startIter}: 0, or where `resume()` left
 * off; after any run (a `fit`, `fitDataset`, `callbacks()` passed to `fit`, or a `trainer()`'s
 * `train()`), the first iteration that run did not complete, so the next run continues the
 * schedule instead of redoing steps.
 *
 * Why: one object holds the optimizer to compile with and the hooks that must run around every step, for model.fit and for custom loops alike.
 * @example
 * ```ts
 * const solver = await createSolver(container);
 * model.compile({ optimizer: solver.optimizer, loss: 'meanSquaredError' });
 * await solver.fit(model, xs, ys, { epochs: 100, batchSize: 32 }); // stops at SOLVER.MAX_ITER
 * ```
 */
export class Solver {
  /** The hooks, in order; add more before training with `solver.hooks.add(hook)`. */
  public readonly hooks: HookList;
  /** The iteration the next run starts at. */
  public startIter: number = 0;
  /** Runs after the user's hooks: records where each run stopped (set in `afterTrain`). */
  private readonly tracker: Hook = {
    afterTrain: (ctx: HookContext): void => {
      this.startIter = ctx.iteration;
    },
  };

  /** @param parts the resolved collaborators. */
  public constructor(private readonly parts: SolverParts) {
    this.hooks = new HookList(parts.hooks);
  }

  /** The optimizer: pass it to `model.compile({ optimizer })` or a `Trainer`. */
  public get optimizer(): SolverOptimizer {
    return this.parts.optimizer;
  }

  /** The LR scheduler the LR hook drives. */
  public get scheduler(): LrScheduler {
    return this.parts.scheduler;
  }

  /** The checkpointer (save, load, resume). */
  public get checkpointer(): Checkpointer {
    return this.parts.checkpointer;
  }

  /**
   * Loads the newest intact checkpoint of `OUTPUT_DIR` (weights, optimizer slots, scheduler,
   * EMA) and sets {@link Solver.startIter} to its iteration; 0 when there is none.
   * @throws SolverError kind `checkpoint` when checkpoints exist but none is intact.
   */
  public async resume(): Promise<number> {
    this.startIter = await this.parts.checkpointer.resume();
    return this.startIter;
  }

  /** A {@link Trainer} over `data` and `loss` with this solver's optimizer, hooks and range. */
  public trainer<B>(data: DataSource<B>, loss: (batch: B) => tf.Scalar, variables?: readonly tf.Variable[]): Trainer<B> {
    return new Trainer({
      data,
      loss,
      optimizer: this.parts.optimizer,
      hooks: [this.hooks, this.tracker],
      maxIter: this.parts.maxIter,
      startIter: this.startIter,
      ...(variables === undefined ? {} : { variables }),
    });
  }

  /** The one callback object for `model.fit`/`fitDataset` (see {@link FitCallback}). */
  public callbacks(): FitCallback {
    return new FitCallback(new HookList([this.hooks, this.tracker]), { maxIter: this.parts.maxIter, startIter: this.startIter });
  }

  /**
   * `model.fit(x, y, args)` with the solver's hooks; `afterTrain` runs even if fit throws.
   * Set `epochs` high enough to reach `MAX_ITER`; training stops there.
   */
  public async fit(
    model: tf.LayersModel,
    x: tf.Tensor | tf.Tensor[],
    y: tf.Tensor | tf.Tensor[],
    args: tf.ModelFitArgs = {},
  ): Promise<tf.History> {
    const callback: FitCallback = this.callbacks();
    return callback.guard(model.fit(x, y, { ...args, callbacks: callback }));
  }

  /** `model.fitDataset(dataset, args)` with the solver's hooks; as {@link Solver.fit}. */
  public async fitDataset(
    model: tf.LayersModel,
    dataset: Parameters<tf.LayersModel['fitDataset']>[0],
    args: Parameters<tf.LayersModel['fitDataset']>[1],
  ): Promise<tf.History> {
    const callback: FitCallback = this.callbacks();
    return callback.guard(model.fitDataset(dataset, { ...args, callbacks: callback }));
  }
}

/**
 * Options of {@link createSolver}.
 *
 * Why: resuming is one flag, so a restarted job continues the schedule and the optimizer state exactly.
 * @example
 * ```ts
 * const solver = await createSolver(container, { resume: true }); // continues from OUTPUT_DIR's newest checkpoint
 * ```
 */
export interface CreateSolverOptions {
  /** Load the newest intact checkpoint of `OUTPUT_DIR` before returning (`--resume`). Default false. */
  readonly resume?: boolean;
}

/**
 * Resolves a {@link Solver} from a container loaded with `solverModule(config)` and a bound
 * `TOKENS.Model`: the one call that plugs tfjs-solver into your training.
 *
 * Why async: `resume` reads a checkpoint. Bind `TOKENS.FileStore` first (`memoryFileStore()`,
 * `indexedDbFileStore()`); the `createSolver` of `tfjs-solver/node` binds the disk store when none is bound.
 * Make every `bind`/`rebind` before this call; the parts are singletons resolved here.
 *
 * @param container the container.
 * @param options see {@link CreateSolverOptions}.
 * @throws inversify's "No bindings found" when `TOKENS.Model` is not bound; SolverError kind `io`
 *   when `TOKENS.FileStore` is not bound; SolverError from building the parts (config errors) or from `resume`.
 * @example
 * ```ts
 * container.bind(TOKENS.FileStore).toConstantValue(indexedDbFileStore());
 * const solver = await createSolver(container, { resume: true });
 * model.compile({ optimizer: solver.optimizer, loss: 'meanSquaredError' });
 * await solver.fit(model, xs, ys, { epochs: 50, batchSize: 32 });
 * ```
 */
export async function createSolver(container: Container, options: CreateSolverOptions = {}): Promise<Solver> {
  if (!container.isBound(TOKENS.FileStore)) {
    throw new SolverError(
      'io',
      'createSolver: TOKENS.FileStore is not bound (checkpoints and metrics need a store); bind memoryFileStore() or ' +
        "indexedDbFileStore() in a page, or import createSolver from 'tfjs-solver/node' to use the disk",
    );
  }
  const hooks: Hook[] = resolveAll(container, TOKENS.Hook);
  const solver: Solver = new Solver({
    optimizer: resolve(container, TOKENS.Optimizer),
    scheduler: resolve(container, TOKENS.Scheduler),
    checkpointer: resolve(container, TOKENS.Checkpointer),
    hooks,
    maxIter: resolve(container, TOKENS.Config).SOLVER.MAX_ITER,
  });
  if (options.resume === true) await solver.resume();
  return solver;
}
