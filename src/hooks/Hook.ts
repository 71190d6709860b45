import type { HookContext } from './HookContext.js';

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
