import type * as tf from '@tensorflow/tfjs';
import { SolverError } from '../errors/SolverError.js';
import { EventStorage } from '../hooks/EventStorage.js';
import type { Hook } from '../hooks/Hook.js';
import type { HookContext } from '../hooks/HookContext.js';

interface MutableContext {
  iteration: number;
  startIter: number;
  maxIter: number;
  loss: tf.Scalar | null;
  storage: EventStorage;
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
 * in a loop (we call it); the lifecycle rules (SPEC §6) must not differ between them.
 */
export class TrainingRun {
  private readonly context: MutableContext;
  private ended: boolean = false;

  /**
   * @param hooks run in this order.
   * @param startIter the first iteration (0, or where a checkpoint left off).
   * @param maxIter training stops before this iteration.
   * @throws SolverError kind `argument` unless 0 <= startIter <= maxIter, maxIter >= 1, integers.
   */
  public constructor(
    private readonly hooks: Hook,
    startIter: number,
    maxIter: number,
  ) {
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
  }

  /**
   * Calls `afterTrain` once (later calls do nothing). With `failure`, an error from the hooks
   * does not replace it: the caller rethrows `failure`.
   */
  public async end(failure?: unknown): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    try {
      await this.hooks.afterTrain?.(this.context);
    } catch (error: unknown) {
      if (failure === undefined) throw error;
    }
  }
}
