import type * as tf from '@tensorflow/tfjs';
import type { Clipper } from '../clip/Clipper.js';
import type { ClipperOptions, NonFinitePolicy } from '../clip/ClipperOptions.js';
import type { ParamGroup } from '../groups/ParamGroup.js';
import type { GroupUpdates } from '../updates/selectGroupUpdates.js';

/** The update rule: SGD (SPEC §5), Adam, or AdamW (decoupled decay), PyTorch's formulas. */
export type OptimizerAlgorithm = 'SGD' | 'Adam' | 'AdamW';

/**
 * Options of {@link SolverOptimizer}. Group keys win over the defaults here.
 */
export interface SolverOptimizerOptions {
  /** Default `SGD`. */
  readonly algorithm?: OptimizerAlgorithm;
  /** The groups, e.g. from getDefaultOptimizerParams; params are variables or their names. */
  readonly groups: readonly ParamGroup<tf.Variable | string>[];
  /** LR of groups that set none; required when some group has no `lr`. */
  readonly lr?: number;
  /** Weight decay of groups that set none. Default 0. */
  readonly weightDecay?: number;
  /** SGD momentum μ. Default 0. */
  readonly momentum?: number;
  /** SGD Nesterov momentum; needs momentum > 0. Default false. */
  readonly nesterov?: boolean;
  /** Adam β1, β2. Default [0.9, 0.999]. */
  readonly betas?: readonly [number, number];
  /** Adam ε. Default 1e-8 (PyTorch's). */
  readonly eps?: number;
  /** Clipping built with buildGradientClipper; serialized with the optimizer. Default: no clipping. */
  readonly clip?: ClipperOptions;
  /**
   * Builds the clipper from `clip` (or the guard-only `none` clipper): the seam for another
   * implementation of the same options, e.g. fusedGradientClipper. Default buildGradientClipper.
   * Unlike `clipper`, the options stay serializable.
   */
  readonly clipperFactory?: (options: ClipperOptions) => Required<Clipper>;
  /** A custom clipper; wins over `clip` and is not serialized. */
  readonly clipper?: Clipper;
  /** Non-finite policy when `clip` is not given (custom or no clipper). Default `skip`. */
  readonly nonFinite?: NonFinitePolicy;
  /** Picks update implementations per backend. Default selectGroupUpdates. */
  readonly selectUpdates?: (backendName: string) => GroupUpdates;
}
