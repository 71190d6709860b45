import type * as tf from '@tensorflow/tfjs';
import type { EventStorage } from './EventStorage.js';

/**
 * What a training loop tells its hooks about the current moment. One object per training run,
 * updated by the loop in place (hooks read it, they do not write it).
 *
 * Why this is small: hooks get their collaborators (optimizer, scheduler, file store) through
 * their constructors; the context carries only what changes from step to step.
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
}
