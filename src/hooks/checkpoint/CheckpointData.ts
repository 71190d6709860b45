import type { EncodedTensor } from './EncodedTensor.js';

/**
 * Everything a checkpoint holds: enough to continue training exactly where it stopped.
 *
 * `iteration` is the number of completed steps, i.e. the iteration a resumed run starts at
 * (detectron2 stores the last completed iteration and adds one on resume; we store the sum).
 */
export interface CheckpointData {
  /** The iteration to resume at (= steps completed). */
  readonly iteration: number;
  /** The model's variables, keyed by their stable (original) names. */
  readonly model: readonly EncodedTensor[];
  /** `optimizer.getWeights()`: step counters and slots, keyed by name. */
  readonly optimizer: readonly EncodedTensor[];
  /** The LR scheduler's `state()`, or null when no scheduler was attached. */
  readonly scheduler: unknown;
  /** The weight EMA's averaged weights, or null when no EMA was attached. */
  readonly ema: readonly EncodedTensor[] | null;
  /** The config the run used (informational), or null. */
  readonly config: unknown;
}
