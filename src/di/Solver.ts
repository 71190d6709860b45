import type * as tf from '@tensorflow/tfjs';
import type { Container } from 'inversify';
import type { Checkpointer, LoadOptions } from '../hooks/Checkpointer.js';
import { type Hook, HookList } from '../hooks/Hook.js';
import { canLock, prepareOutputDir, type ReleaseLock, repairMetrics } from '../hooks/outputDir.js';
import { memoryFileStore } from '../io/browser.js';
import { SolverError } from '../errors.js';
import type { LrScheduler } from '../hooks/LrSchedulerHook.js';
import type { FileStore, Logger } from '../io/interfaces.js';
import type { SolverOptimizer } from '../optim/SolverOptimizer.js';
import { FitCallback, withUserCallbacks } from '../train/FitCallback.js';
import { type DataSource, RunPosition, Trainer } from '../train/Trainer.js';
import { resolve, resolveAll, TOKENS } from './solverModule.js';

/** The resolved parts a {@link Solver} runs with (what `createSolver` takes from the container). */
export interface SolverParts {
  readonly optimizer: SolverOptimizer;
  readonly scheduler: LrScheduler;
  readonly checkpointer: Checkpointer;
  readonly hooks: readonly Hook[];
  readonly maxIter: number;
  /** Where warnings go (a fit that cannot reach MAX_ITER). Default: silent. */
  readonly logger?: Logger;
  /** The model `callbacks()` stops at MAX_ITER when tfjs does not hand it one (see `FitCallback`). */
  readonly model?: tf.LayersModel;
  /** Where checkpoints and `metrics.json` go: `resume()` repairs the metrics there. */
  readonly output?: { readonly files: FileStore; readonly dir: string };
  /** Takes the output folder's lock again for a run; none: no lock. */
  readonly lock?: () => Promise<ReleaseLock>;
  /** Releases the lock `createSolver` took (the first run releases it when it ends). */
  readonly release?: ReleaseLock;
}

/** `model.fit` arguments plus the solver's own option. */
export interface SolverFitArgs extends tf.ModelFitArgs {
  /**
   * Repeat the data (raise `epochs`) until `SOLVER.MAX_ITER` is reached; training still stops
   * exactly there. Default false: `epochs` as given (a warning says when they cannot reach it).
   */
  readonly repeatToMaxIter?: boolean;
}

/** `model.fitDataset` arguments plus the solver's own option (see {@link SolverFitArgs}). */
export type SolverFitDatasetArgs = Parameters<tf.LayersModel['fitDataset']>[1] & { readonly repeatToMaxIter?: boolean };

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
  /** Where training stands: the one record every loop of this solver starts from and advances. */
  public readonly position: RunPosition = new RunPosition();
  /** Releases the output folder's lock; null while this solver does not hold it. */
  private release: ReleaseLock | null;
  /** The hooks every run gets: the lock is taken before the first hook and released after the last. */
  private readonly runHooks: HookList;

  /** @param parts the resolved collaborators. */
  public constructor(private readonly parts: SolverParts) {
    this.hooks = new HookList(parts.hooks);
    this.release = parts.release ?? null;
    // The output folder is locked for a run's whole life (another process trying to train into it
    // stops with an error), and free between runs, so a later solver of this process may use it.
    const take: Hook = {
      beforeTrain: async (): Promise<void> => {
        if (this.release === null && parts.lock !== undefined) this.release = await parts.lock();
      },
    };
    const free: Hook = {
      afterTrain: async (): Promise<void> => {
        await this.close();
      },
    };
    this.runHooks = new HookList([take, this.hooks, free]);
  }

  /** The iteration the next run starts at (`position.next`). */
  public get startIter(): number {
    return this.position.next;
  }

  public set startIter(iteration: number) {
    this.position.next = iteration;
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
   * EMA) and sets {@link Solver.startIter} to its iteration; 0 when there is none. Then drops the
   * `metrics.json` lines at or past that iteration, and a torn last line.
   * @param options `acceptForeign`: load a checkpoint another run wrote (see `Checkpointer.load`).
   * @throws SolverError kind `checkpoint` when checkpoints exist but none is intact; `state` when
   *   the newest is another run's (without `acceptForeign`).
   */
  public async resume(options: LoadOptions = {}): Promise<number> {
    this.startIter = await this.parts.checkpointer.resume(options);
    const { output, logger } = this.parts;
    if (output !== undefined) await repairMetrics(output.files, output.dir, this.startIter, logger);
    return this.startIter;
  }

  /**
   * Releases the lock on `OUTPUT_DIR` that `createSolver` took, when no run follows (a run
   * releases it when it ends and takes it again when the next starts). Idempotent.
   */
  public async close(): Promise<void> {
    const release: ReleaseLock | null = this.release;
    this.release = null;
    await release?.();
  }

  /** A {@link Trainer} over `data` and `loss` with this solver's optimizer, hooks and range. */
  public trainer<B>(data: DataSource<B>, loss: (batch: B) => tf.Scalar, variables?: readonly tf.Variable[]): Trainer<B> {
    return new Trainer({
      data,
      loss,
      optimizer: this.parts.optimizer,
      hooks: [this.runHooks],
      maxIter: this.parts.maxIter,
      position: this.position,
      ...(variables === undefined ? {} : { variables }),
    });
  }

  /**
   * The callback object for `model.fit`/`fitDataset` (see {@link FitCallback}): pass it alone or in
   * an array with your own callbacks, in any order.
   */
  public callbacks(): FitCallback {
    return new FitCallback(this.runHooks, {
      maxIter: this.parts.maxIter,
      position: this.position,
      ...(this.parts.logger === undefined ? {} : { logger: this.parts.logger }),
      ...(this.parts.model === undefined ? {} : { model: this.parts.model }),
    });
  }

  /**
   * `model.fit(x, y, args)` with the solver's hooks next to `args.callbacks` (every form tfjs
   * accepts; early stopping ends the run and a checkpoint records where); `afterTrain` runs even if
   * fit throws, and a backend's missing kernel becomes a SolverError of kind `backend`.
   * Training stops at `MAX_ITER`; set `epochs` high enough to reach it, or `repeatToMaxIter: true`.
   */
  public async fit(
    model: tf.LayersModel,
    x: tf.Tensor | tf.Tensor[],
    y: tf.Tensor | tf.Tensor[],
    args: SolverFitArgs = {},
  ): Promise<tf.History> {
    const { repeatToMaxIter, ...fitArgs } = args;
    const callback: FitCallback = this.callbacks();
    const callbacks = withUserCallbacks(callback, fitArgs.callbacks, fitArgs.yieldEvery);
    const epochs: number | undefined = repeatToMaxIter === true ? this.epochsToMaxIter(fitArgs.epochs) : fitArgs.epochs;
    return callback.contain(() => model.fit(x, y, { ...fitArgs, callbacks, ...(epochs === undefined ? {} : { epochs }) }));
  }

  /** `model.fitDataset(dataset, args)` with the solver's hooks; as {@link Solver.fit}. */
  public async fitDataset(
    model: tf.LayersModel,
    dataset: Parameters<tf.LayersModel['fitDataset']>[0],
    args: SolverFitDatasetArgs,
  ): Promise<tf.History> {
    const { repeatToMaxIter, ...fitArgs } = args;
    const callback: FitCallback = this.callbacks();
    const callbacks = withUserCallbacks(callback, fitArgs.callbacks, fitArgs.yieldEvery);
    const epochs: number = repeatToMaxIter === true ? this.epochsToMaxIter(fitArgs.epochs) : fitArgs.epochs;
    return callback.contain(() => model.fitDataset(dataset, { ...fitArgs, callbacks, epochs }));
  }

  /** Enough epochs to reach MAX_ITER with at least one batch per epoch; fit stops at MAX_ITER. */
  private epochsToMaxIter(epochs: number | undefined): number {
    return Math.max(epochs ?? 1, this.parts.maxIter - this.position.next);
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
  /** With `resume`: load a checkpoint written by another run (other config or SEED) (`--resume-foreign`). Default false. */
  readonly resumeForeign?: boolean;
  /** Delete a previous run's checkpoints and metrics in `OUTPUT_DIR` and start at 0 (`--overwrite`). Default false. */
  readonly overwrite?: boolean;
  /**
   * Where checkpoints and `metrics.json` go when no `TOKENS.FileStore` is bound: `disk` (default,
   * `OUTPUT_DIR` through the Node file store, locked for this run) or `memory` (nothing is
   * written to disk: the off switch).
   */
  readonly output?: 'disk' | 'memory';
}

/**
 * Resolves a {@link Solver} from a container loaded with `solverModule(config)` and a bound
 * `TOKENS.Model`: the one call that plugs tfjs-solver into your training.
 *
 * Why async: `resume` reads a checkpoint. Bind `TOKENS.FileStore` first (`memoryFileStore()`,
 * `indexedDbFileStore()`); the `createSolver` of `tfjs-solver/node` binds the disk store when none is bound.
 * Make every `bind`/`rebind` before this call; the parts are singletons resolved here.
 *
 * Before anything is written it prepares `OUTPUT_DIR`: takes its lock (on disk), removes the
 * temporary files of interrupted writes, and refuses a fresh run into a folder that holds a
 * previous run (see {@link CreateSolverOptions}). The logger says where the files go.
 *
 * @param container the container.
 * @param options see {@link CreateSolverOptions}.
 * @throws inversify's "No bindings found" when `TOKENS.Model` is not bound; SolverError from
 *   building the parts (config errors) or from `resume`; SolverError kind `state` when another
 *   run holds `OUTPUT_DIR`, or it holds a previous run and neither `resume` nor `overwrite` is set;
 *   kind `argument` for `resume` together with `overwrite`; kind `io` when `TOKENS.FileStore` is not bound
 *   and `output` is not `'memory'`.
 * @example
 * ```ts
 * container.bind(TOKENS.FileStore).toConstantValue(indexedDbFileStore());
 * const solver = await createSolver(container, { resume: true });
 * model.compile({ optimizer: solver.optimizer, loss: 'meanSquaredError' });
 * await solver.fit(model, xs, ys, { epochs: 50, batchSize: 32 });
 * ```
 */
export async function createSolver(container: Container, options: CreateSolverOptions = {}): Promise<Solver> {
  if (options.resume === true && options.overwrite === true) {
    throw new SolverError('argument', 'createSolver: got both resume and overwrite, expected at most one (continue the run, or delete it)');
  }
  if (!container.isBound(TOKENS.FileStore)) {
    if (options.output !== 'memory') {
      throw new SolverError(
        'io',
        'createSolver: TOKENS.FileStore is not bound (checkpoints and metrics need a store); bind memoryFileStore() or ' +
          "indexedDbFileStore() in a page, pass { output: 'memory' }, or import createSolver from 'tfjs-solver/node' to use the disk",
      );
    }
    container.bind(TOKENS.FileStore).toConstantValue(memoryFileStore());
  }
  const files: FileStore = resolve(container, TOKENS.FileStore);
  const logger: Logger = resolve(container, TOKENS.Logger);
  const dir: string = resolve(container, TOKENS.Config).OUTPUT_DIR;
  const release: ReleaseLock = canLock(files) ? await files.lock(dir) : (): Promise<void> => Promise.resolve();
  try {
    await prepareOutputDir(files, dir, options.resume === true ? 'resume' : options.overwrite === true ? 'overwrite' : 'fresh', logger);
    logger.info(
      canLock(files)
        ? `output: checkpoints and metrics.json go to ${dir} (locked for this run)`
        : `output: checkpoints and metrics.json go to ${dir} in the bound file store${options.output === 'memory' ? ' (in memory: nothing is written to disk)' : ''}`,
    );
    const solver: Solver = new Solver({
      optimizer: resolve(container, TOKENS.Optimizer),
      scheduler: resolve(container, TOKENS.Scheduler),
      checkpointer: resolve(container, TOKENS.Checkpointer),
      hooks: resolveAll(container, TOKENS.Hook),
      maxIter: resolve(container, TOKENS.Config).SOLVER.MAX_ITER,
      logger,
      model: resolve(container, TOKENS.Model),
      output: { files, dir },
      release,
      ...(canLock(files) ? { lock: (): Promise<ReleaseLock> => files.lock(dir) } : {}),
    });
    if (options.resume === true) await solver.resume({ acceptForeign: options.resumeForeign === true });
    return solver;
  } catch (error: unknown) {
    await release();
    throw error;
  }
}
