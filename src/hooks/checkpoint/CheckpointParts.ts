import type { NamedTensor } from './NamedTensor.js';
import type * as tf from '@tensorflow/tfjs';

/** Something whose state is plain data (the LR scheduler). */
export interface StatefulPart {
  /** A JSON-serialisable snapshot. */
  state(): unknown;
  /** Restores a snapshot taken by `state()`. @throws SolverError kind `state` when it does not fit. */
  loadState(state: unknown): void;
}

/** Something whose state is named tensors (the optimizer's slots; `tf.Optimizer` fits). */
export interface TensorStatefulPart {
  getWeights(): Promise<NamedTensor[]>;
  setWeights(weights: NamedTensor[]): Promise<void>;
}

/** Something whose state is named tensors, synchronously (the weight EMA). */
export interface EmaPart {
  state(): NamedTensor[];
  loadState(tensors: readonly NamedTensor[]): void;
}

/**
 * What a checkpoint saves and restores. Only `model` is required; the others are saved when
 * given and restored when both the checkpoint and the receiver have them.
 */
export interface CheckpointParts {
  /** The model's variables by stable name (see `layersModelVariables`). */
  readonly model: ReadonlyMap<string, tf.Variable>;
  readonly optimizer?: TensorStatefulPart;
  readonly scheduler?: StatefulPart;
  readonly ema?: EmaPart;
  /** Stored for the record (which config produced this checkpoint); not restored. */
  readonly config?: unknown;
}
