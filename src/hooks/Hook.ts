import type * as tf from '@tensorflow/tfjs';
import type { EventStorage } from './metrics.js';

/**
 * What a training loop tells its hooks about the current moment. One object per training run,
 * updated by the loop in place (hooks read it, they do not write it).
 *
 * Why this is small: hooks get their collaborators (optimizer, scheduler, file store) through
 * their constructors; the context carries only what changes from step to step.
 * @example
 * ```ts
 * const logLoss: Hook = {
 *   afterStep: (ctx: HookContext) => {
 *     if (ctx.iteration % 100 === 0) console.log(ctx.iteration, ctx.storage.latest('lr'));
 *   },
 * };
 * ```
 */
export interface HookContext {
  /**
   * The iteration (0-based) of the step being run in `beforeStep`/`afterStep`; `startIter` in
   * `beforeTrain`; in `afterTrain`, the first iteration that did not complete (equal to `maxIter`
   * when training finished, smaller when it stopped early).
   */
  readonly iteration: number;
  /** The first iteration of this run: 0, or the iteration a resumed checkpoint recorded. */
  readonly startIter: number;
  /** Training stops before this iteration (`SOLVER.MAX_ITER`). */
  readonly maxIter: number;
  /**
   * The loss of the step, in `afterStep` only (null elsewhere). Owned by the loop and disposed
   * after the last `afterStep` returns: read it, combine it into your own kept tensor, or `clone()`
   * it; do not keep a reference. Reading its value syncs with the device.
   */
  readonly loss: tf.Scalar | null;
  /** Per-step numbers that hooks share (the LR hook writes `lr`, the timer `time`, the writer reads them). */
  readonly storage: EventStorage;
  /** In `afterTrain` only: how the run ended (undefined before). */
  readonly ending?: RunEnding;
}

/**
 * How a training run ended, as `afterTrain` sees it in `ctx.ending`: `finished` (reached
 * `maxIter`), `stopped` (ended early without an error, e.g. `tf.callbacks.earlyStopping` or fit ran
 * out of epochs) or `failed` (a step or hook threw; the error reaches the caller after `afterTrain`).
 */
export type RunEnding = 'finished' | 'stopped' | 'failed';

/**
 * A training hook: code that runs around the steps of a training loop, detectron2's
 * `HookBase` contract for TensorFlow.js.
 *
 * Why: the loop only runs steps; everything a solver does between steps (set the LR, write
 * metrics, save checkpoints, keep a weight EMA, draw a progress bar) is a hook, so a user adds
 * or replaces behaviour without touching the loop. Both loops of this package ({@link Trainer}
 * and the `model.fit` adapter) call hooks exactly like this:
 *
 * ```ts
 * await hooks.beforeTrain(ctx);                  // ctx.iteration === startIter
 * try {
 *   for (let i = startIter; i < maxIter; i++) {
 *     await hooks.beforeStep(ctx);               // ctx.iteration === i
 *     runStep();                                 // data -> loss -> gradients -> clip -> update
 *     await hooks.afterStep(ctx);                // ctx.iteration === i, ctx.loss = this step's loss
 *   }
 * } finally {
 *   await hooks.afterTrain(ctx);                 // ctx.iteration = first iteration not completed
 * }
 * ```
 *
 * Conventions:
 * - Every method is optional and may return a promise; the loop awaits it before going on.
 * - Hooks run in registration order, one after another (never in parallel). Where the order
 *   matters, register deliberately: the LR hook before the metrics writer (it records the LR the
 *   writer reports), the checkpointer before anything that may fail after a step.
 * - `beforeStep` runs on every iteration and must be cheap: no device sync (`dataSync`,
 *   `data`, `arraySync`), no I/O.
 * - `afterStep` may do periodic work (write metrics every N steps, save a checkpoint) but must
 *   not sync with the device on every step.
 * - `afterTrain` runs even when a step (or another hook) throws; the error still reaches the
 *   caller of the loop afterwards. Check `ctx.iteration < ctx.maxIter` to know training stopped early.
 * - A hook gets its collaborators (optimizer, scheduler, files) through its constructor; the
 *   context only carries what changes every step.
 *
 * @example
 * ```ts
 * const printLoss: Hook = {
 *   async afterStep(ctx) {
 *     if (ctx.loss !== null && (ctx.iteration + 1) % 100 === 0) console.log(await ctx.loss.data());
 *   },
 * };
 * ```
 */
export interface Hook {
  /** Once, before the first step (after a resume: before the first resumed step). */
  beforeTrain?(ctx: HookContext): void | Promise<void>;
  /** Before every step; must be cheap. */
  beforeStep?(ctx: HookContext): void | Promise<void>;
  /** After every step, with the step's loss in `ctx.loss`. */
  afterStep?(ctx: HookContext): void | Promise<void>;
  /** Once, at the end, also when training failed; the failure is rethrown after it. */
  afterTrain?(ctx: HookContext): void | Promise<void>;
}

/**
 * An ordered list of hooks that is itself a {@link Hook}: each call awaits every hook's method
 * serially, in registration order.
 *
 * Why serial: hooks depend on one another's effects within a step (the LR hook records the LR
 * before the metrics writer reads it), and tfjs callbacks are awaited one after another too.
 * `afterTrain` calls every hook even when one throws, then rethrows the first error, so one
 * failing hook cannot stop the checkpointer from closing its files.
 *
 * @example
 * ```ts
 * const hooks = new HookList([lrHook, timer, writer]);
 * const remove = hooks.add(myHook);   // registered last; remove() takes it out again
 * ```
 */
export class HookList implements Hook {
  private readonly hooks: Hook[];

  /** @param hooks the initial hooks, in the order they run (copied). */
  public constructor(hooks: readonly Hook[] = []) {
    this.hooks = [...hooks];
  }

  /** The registered hooks, in order (a copy). */
  public get list(): readonly Hook[] {
    return [...this.hooks];
  }

  /**
   * Registers `hook` after the existing ones.
   * @returns a function that unregisters it (does nothing when already removed).
   */
  public add(hook: Hook): () => void {
    this.hooks.push(hook);
    return (): void => {
      const index: number = this.hooks.indexOf(hook);
      if (index >= 0) this.hooks.splice(index, 1);
    };
  }

  /** Runs every hook's `beforeTrain`, in order. */
  public async beforeTrain(ctx: HookContext): Promise<void> {
    for (const hook of [...this.hooks]) await hook.beforeTrain?.(ctx);
  }

  /** Runs every hook's `beforeStep`, in order. */
  public async beforeStep(ctx: HookContext): Promise<void> {
    for (const hook of this.hooks) await hook.beforeStep?.(ctx);
  }

  /** Runs every hook's `afterStep`, in order. */
  public async afterStep(ctx: HookContext): Promise<void> {
    for (const hook of this.hooks) await hook.afterStep?.(ctx);
  }

  /** Runs every hook's `afterTrain`, in order, even past a failing one; rethrows the first failure. */
  public async afterTrain(ctx: HookContext): Promise<void> {
    const failures: unknown[] = [];
    for (const hook of [...this.hooks]) {
      try {
        await hook.afterTrain?.(ctx);
      } catch (error: unknown) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}

// Training hooks: the contract the loops call, and the hooks a real training run needs.
