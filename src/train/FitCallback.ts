import * as tf from '@tensorflow/tfjs';
import { translateBackendError } from '../backend/translateBackendError.js';
import { SolverError } from '../errors.js';
import type { Hook } from '../hooks/Hook.js';
import { type Logger, silentLogger } from '../io/interfaces.js';
import { releaseAbandonedTape } from '../optim/kernels/tfjsInternals.js';
import { RunPosition, TrainingRun } from './Trainer.js';
import { settleOptimizer } from '../optim/SolverOptimizer.js';

type UnresolvedLogs = Parameters<tf.Callback['onBatchEnd']>[1];

/** What tfjs accepts as `ModelFitArgs.callbacks`. */
export type FitCallbacks = NonNullable<tf.ModelFitArgs['callbacks']>;

/** The fit parameters tfjs hands its callbacks (`setParams`): epochs and batches per epoch. */
interface FitParams {
  readonly epochs?: unknown;
  readonly initialEpoch?: unknown;
  readonly steps?: unknown;
  readonly samples?: unknown;
  readonly batchSize?: unknown;
}

/** The `tf.CustomCallback` tfjs wraps a plain callback object in: it holds the params (not the model). */
interface CallbackHost {
  params?: FitParams;
  onBatchEnd?: unknown;
}

function isHost(value: unknown): value is CallbackHost {
  return value instanceof tf.CustomCallback;
}

/** tfjs's callback base class (`tf.Callback` and `tf.CustomCallback` extend it; tfjs does not export it by name). */
type AnyCallback = tf.Callback | tf.CustomCallback;
const BaseCallback: abstract new (...args: never[]) => AnyCallback = Object.getPrototypeOf(tf.CustomCallback) as abstract new (
  ...args: never[]
) => AnyCallback;

function lossOf(logs: UnresolvedLogs): { loss: tf.Scalar | null; owned: boolean } {
  const loss: unknown = logs?.loss;
  if (loss instanceof tf.Tensor) return { loss: loss as tf.Scalar, owned: false };
  // A tf.CustomCallback that ran before us already read the loss into a number (and disposed it).
  if (typeof loss === 'number') return { loss: tf.scalar(loss), owned: true };
  return { loss: null, owned: false };
}

function positiveInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

/** Iterations a fit with `params` runs at most: epochs × batches per epoch; null when unknown (a dataset without `batchesPerEpoch`). */
export function plannedIterations(params: FitParams): number | null {
  const epochs: number | null = positiveInteger(params.epochs);
  if (epochs === null) return null;
  const initial: number = positiveInteger(params.initialEpoch) ?? 0;
  const steps: number | null = positiveInteger(params.steps);
  const samples: number | null = positiveInteger(params.samples);
  const batchSize: number | null = positiveInteger(params.batchSize);
  const perEpoch: number | null = steps ?? (samples !== null && batchSize !== null ? Math.ceil(samples / batchSize) : null);
  return perEpoch === null ? null : Math.max(0, epochs - initial) * perEpoch;
}

/** Options of {@link FitCallback}. */
export interface FitCallbackOptions {
  /** Training stops before this iteration (`SOLVER.MAX_ITER`). */
  readonly maxIter: number;
  /** The first iteration when no `position` is given. Default 0. */
  readonly startIter?: number;
  /** Where training stands, shared with other loops (a `Solver` passes its own). */
  readonly position?: RunPosition;
  /** Where the "fit stops short of MAX_ITER" warning goes. Default: silent. */
  readonly logger?: Logger;
  /**
   * The model being fit. Needed when tfjs wraps this object (it stands alone or first in the
   * callbacks array): tfjs then does not hand it the model, which it needs to stop fit at `maxIter`.
   */
  readonly model?: tf.LayersModel;
}

/**
 * The `model.fit` adapter: ONE callback object that runs the solver's hooks inside
 * `tf.LayersModel.fit` and `fitDataset`, with the same calling rules as the {@link Trainer}.
 *
 * - Iterations are counted globally from the start position: `onBatchBegin`'s batch index restarts
 *   every epoch, ours does not, so the LR schedule never restarts with an epoch.
 * - Training stops after iteration `maxIter − 1` (it sets `model.stopTraining`); when `epochs` ×
 *   batches per epoch cannot reach `maxIter`, it warns once at the start.
 * - It goes anywhere tfjs accepts a callback: alone, in an array before or after plain
 *   `{ onBatchEnd }` objects, `tf.CustomCallback`s or `tf.callbacks.earlyStopping(...)`. (It is not a
 *   `tf.Callback` subclass on purpose: tfjs wraps every entry of an array whose first entry is not
 *   one, so any order works.)
 * - The loss reaches the hooks as the device scalar fit computed; nothing here syncs.
 * - tfjs does not call `onTrainEnd` when `fit` throws. Wrap the call in {@link FitCallback.guard}
 *   so `afterTrain` runs then too and the error still propagates (translated into a SolverError
 *   when a backend lacks a kernel).
 *
 * @example
 * ```ts
 * const callback = new FitCallback(hooks, { maxIter: 1000, model });
 * const onEpochEnd = (epoch: number): void => console.log(`epoch ${epoch} done`);
 * await callback.guard(model.fit(xs, ys, { epochs: 100, batchSize: 32, callbacks: [callback, { onEpochEnd }] }));
 * ```
 */
export class FitCallback {
  /** The position this callback advances. */
  public readonly position: RunPosition;
  /** tfjs's `setParams`: records epochs and batches per epoch (for the short-run warning). */
  public readonly setParams: (params: FitParams) => void;
  /** tfjs's `setModel`: the model whose `stopTraining` ends fit at `maxIter`. */
  public readonly setModel: (model: tf.LayersModel) => void;
  /** Starts the run and calls `beforeTrain`. @throws SolverError kind `state` when the start already reached `maxIter`. */
  public readonly onTrainBegin: (this: unknown) => Promise<void>;
  /** Calls `beforeStep` for the current global iteration. */
  public readonly onBatchBegin: () => Promise<void>;
  /** Calls `afterStep` with fit's loss; stops fit once `maxIter` iterations are done. */
  public readonly onBatchEnd: (batch: number, logs?: UnresolvedLogs) => Promise<void>;
  /** Calls `afterTrain`. */
  public readonly onTrainEnd: () => Promise<void>;
  private run: TrainingRun | null = null;
  private model: tf.LayersModel | null = null;
  /** The engine scope `contain` opened, pruned of disposed tensors as fit goes on. */
  private scope: { readonly track: tf.Tensor[] } | null = null;
  private params: FitParams = {};
  private readonly logger: Logger;

  /**
   * @param hooks the hooks (a `HookList` or a single hook).
   * @param options `maxIter`, the start (`startIter` or a shared `position`) and a logger.
   */
  public constructor(
    private readonly hooks: Hook,
    private readonly options: FitCallbackOptions,
  ) {
    this.position = options.position ?? new RunPosition(options.startIter ?? 0);
    this.logger = options.logger ?? silentLogger;
    this.model = options.model ?? null;
    // Own function properties, not prototype methods: when tfjs wraps this object in a
    // tf.CustomCallback it calls them with the wrapper as `this`; they reach us through the closure.
    this.setParams = (params: FitParams): void => {
      this.params = params;
    };
    this.setModel = (model: tf.LayersModel): void => {
      this.model = model;
    };
    const begin = (host: unknown): Promise<void> => this.begin(host);
    this.onTrainBegin = function (this: unknown): Promise<void> {
      return begin(this);
    };
    this.onBatchBegin = async (): Promise<void> => {
      await this.active().beforeStep();
    };
    this.onBatchEnd = (batch: number, logs?: UnresolvedLogs): Promise<void> => this.batchEnd(logs);
    this.onTrainEnd = async (): Promise<void> => {
      await this.active().end();
    };
  }

  /**
   * Awaits `training` (a `fit`/`fitDataset` promise); if it rejects, runs `afterTrain` and
   * rethrows the error, a backend's missing kernel translated into a SolverError of kind `backend`.
   */
  public async guard<T>(training: Promise<T>): Promise<T> {
    try {
      return await training;
    } catch (error: unknown) {
      releaseAbandonedTape();
      await this.run?.end(error);
      throw translateBackendError(error);
    }
  }

  /**
   * Runs `start` (a call of `model.fit`/`fitDataset` with this callback) as {@link FitCallback.guard}
   * does, and when it fails, also frees the tensors tfjs created for it and left behind (its
   * epoch index, its running loss totals, the abandoned gradient tape). On success nothing is freed.
   */
  public async contain<T>(start: () => Promise<T>): Promise<T> {
    const engine = tf.engine();
    engine.startScope('tfjs-solver fit');
    const scope: { readonly track: tf.Tensor[] } = engine.state.activeScope;
    this.scope = scope;
    let result: T;
    try {
      result = await this.guard(start());
    } catch (error: unknown) {
      endScope(scope, false);
      throw error;
    } finally {
      this.scope = null;
    }
    endScope(scope, true);
    return result;
  }

  /** The first iteration the next `fit` starts at: where this one stopped. */
  public get nextIteration(): number {
    return this.position.next;
  }

  private async begin(host: unknown): Promise<void> {
    if (isHost(host) && host !== (this as unknown)) {
      // Wrapped in a tf.CustomCallback: take the params from the wrapper, and let batch ends reach
      // us directly (the wrapper would read every loss back from the device, a sync per step).
      if (host.params !== undefined) this.params = host.params;
      host.onBatchEnd = this.onBatchEnd;
    }
    const run: TrainingRun = new TrainingRun(this.hooks, this.position, this.options.maxIter);
    if (run.finished) {
      throw new SolverError('state', `nothing to train: start iteration ${run.ctx.startIter} >= SOLVER.MAX_ITER ${run.ctx.maxIter}`);
    }
    if (this.model === null) {
      throw new SolverError(
        'argument',
        'FitCallback: no model to stop at maxIter; pass { model } to new FitCallback(...), or use solver.callbacks() / solver.fit',
      );
    }
    const planned: number | null = plannedIterations(this.params);
    const reach: number = run.ctx.startIter + (planned ?? Infinity);
    if (reach < run.ctx.maxIter) {
      this.logger.warn(
        `fit runs at most ${planned ?? 0} iterations (epochs x batches per epoch): it stops at iteration ${reach}, ` +
          `short of SOLVER.MAX_ITER ${run.ctx.maxIter}; raise epochs or pass repeatToMaxIter: true`,
      );
    }
    this.run = run;
    await run.begin();
  }

  private async batchEnd(logs: UnresolvedLogs): Promise<void> {
    const run: TrainingRun = this.active();
    const { loss, owned } = lossOf(logs);
    try {
      if (this.model !== null) await settleOptimizer(this.model.optimizer, this.model);
      await run.afterStep(loss);
    } catch (error: unknown) {
      // fit disposes the batch's log tensors only when onBatchEnd returns; free them on failure.
      tf.dispose(Object.values(logs ?? {}).filter((value): value is tf.Scalar => value instanceof tf.Tensor));
      throw error;
    } finally {
      if (owned) loss?.dispose();
    }
    if (run.finished && this.model !== null) this.model.stopTraining = true;
    // The scope records every tensor made outside a tidy during fit; keep only the live ones, so a
    // long fit does not hold on to millions of disposed tensor objects.
    if (this.scope !== null && this.scope.track.length > SCOPE_COMPACT_AT) compact(this.scope.track);
  }

  private active(): TrainingRun {
    if (this.run === null) throw new SolverError('state', 'FitCallback: a batch event arrived before onTrainBegin');
    return this.run;
  }
}

/** Tracked tensors in the fit scope before the disposed ones are dropped from it. */
const SCOPE_COMPACT_AT: number = 512;

/** Drops disposed tensors from a scope's list, in place. */
function compact(track: tf.Tensor[]): void {
  let live: number = 0;
  for (const tensor of track) if (!tensor.isDisposed) track[live++] = tensor;
  track.length = live;
}

/**
 * Closes `scope` (opened by `contain`), keeping what it tracks (moved to the parent scope) or
 * disposing it. Other async work may have opened and closed scopes meanwhile; ours is closed only
 * when it is the active one again, else its tensors are disposed or left alone in place.
 */
function endScope(scope: { readonly track: tf.Tensor[] }, keep: boolean): void {
  const engine = tf.engine();
  if (engine.state.activeScope === scope) {
    engine.endScope(keep ? [...scope.track] : undefined);
  } else if (!keep) {
    for (const tensor of scope.track) if (!tensor.kept) tensor.dispose();
  }
}

function isCallbackArgs(value: unknown): value is tf.CustomCallbackArgs {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The callbacks list `fit`/`fitDataset` gets from the solver: the solver's own callback first, then
 * the user's in their order, every form tfjs accepts (one or an array of `tf.Callback`s or plain
 * `{ onBatchEnd, ... }` objects, mixed), plain objects wrapped as tfjs would wrap them.
 *
 * @param own the solver's callback.
 * @param user the user's `args.callbacks`.
 * @param yieldEvery the user's `args.yieldEvery` (passed to the wrappers, as tfjs does).
 * @throws SolverError kind `argument` for an entry that is neither a callback nor an object.
 */
export function withUserCallbacks(
  own: FitCallback,
  user: FitCallbacks | undefined,
  yieldEvery?: tf.ModelFitArgs['yieldEvery'],
): AnyCallback[] {
  const entries: readonly unknown[] = user === undefined ? [] : Array.isArray(user) ? user : [user];
  const theirs: AnyCallback[] = entries.map((entry: unknown, index: number): AnyCallback => {
    if (entry instanceof BaseCallback) return entry;
    if (entry instanceof FitCallback) {
      throw new SolverError('argument', `callbacks[${index}]: got the solver's own callbacks(); fit already runs them, remove it`);
    }
    if (!isCallbackArgs(entry)) {
      throw new SolverError(
        'argument',
        `callbacks[${index}]: got ${typeof entry}, expected a tf.Callback or an object of onBatchEnd/onEpochEnd/... functions`,
      );
    }
    return new tf.CustomCallback(entry, yieldEvery);
  });
  return [new DirectCallback(own), ...theirs];
}

/**
 * A `tf.Callback` that forwards to a {@link FitCallback}: what `Solver.fit` puts first in the list,
 * so tfjs calls the solver directly (the loss stays on the device) and keeps the user's entries as
 * they are.
 */
class DirectCallback extends tf.Callback {
  public constructor(private readonly inner: FitCallback) {
    super();
  }

  public override setParams(params: tf.CustomCallbackArgs & FitParams): void {
    super.setParams(params as never);
    this.inner.setParams(params);
  }

  public override setModel(model: tf.LayersModel): void {
    super.setModel(model);
    this.inner.setModel(model);
  }

  public override async onTrainBegin(): Promise<void> {
    await this.inner.onTrainBegin.call(this.inner);
  }

  public override async onBatchBegin(): Promise<void> {
    await this.inner.onBatchBegin();
  }

  public override async onBatchEnd(batch: number, logs?: UnresolvedLogs): Promise<void> {
    await this.inner.onBatchEnd(batch, logs);
  }

  public override async onTrainEnd(): Promise<void> {
    await this.inner.onTrainEnd();
  }
}
