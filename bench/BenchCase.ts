import type * as tf from '@tensorflow/tfjs';
import type { ParamSet } from './ParamSpec.js';

/** What a case gets: fresh variables (one per parameter, values in [-0.5, 0.5)) and fixed gradients. */
export interface CaseInputs {
  readonly set: ParamSet;
  readonly variables: readonly tf.Variable[];
  readonly grads: tf.NamedTensorMap;
}

/** A prepared case: `step` runs one optimizer step; `dispose` frees what the case created. */
export interface PreparedCase {
  readonly step: () => void;
  readonly dispose: () => void;
}

/** One benchmark row: a name and how to prepare it on given inputs. */
export interface BenchCase {
  readonly name: string;
  /** Key used in JSON and for ratios. */
  readonly key: string;
  readonly prepare: (inputs: CaseInputs) => PreparedCase;
}

/** Measurements of one case on one backend and parameter set. */
export interface CaseResult {
  readonly key: string;
  readonly name: string;
  readonly steps: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly syncsPerStep: number;
  readonly tensorsBefore: number;
  readonly tensorsAfter: number;
}
