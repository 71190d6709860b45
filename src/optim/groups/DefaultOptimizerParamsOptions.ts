import type { ParamHyperparams } from './ParamGroup.js';

/**
 * Options of {@link getDefaultOptimizerParams}, detectron2's `get_default_optimizer_params`
 * arguments in camelCase (SPEC §2). Every option may be omitted.
 */
export interface DefaultOptimizerParamsOptions {
  /** LR of every group by default; omitted: the optimizer's own LR applies. */
  readonly baseLr?: number;
  /** Weight decay of every group by default; omitted: the optimizer's own applies. */
  readonly weightDecay?: number;
  /** Weight decay of weights in normalization layers. */
  readonly weightDecayNorm?: number;
  /** Multiplier of the LR of `bias` weights; needs `baseLr` unless 1. Default 1. */
  readonly biasLrFactor?: number;
  /** Weight decay of `bias` weights. */
  readonly weightDecayBias?: number;
  /** Maps a weight's full name (`module.param`) to an LR factor; needs `baseLr`. */
  readonly lrFactorFunc?: (fullName: string) => number;
  /**
   * Hyperparameters per short weight name, applied last. A key matches detectron2's name
   * (`weight`, `bias`) or the tfjs name (`kernel`, `beta`, …); the tfjs name wins when both match.
   */
  readonly overrides?: Readonly<Record<string, ParamHyperparams>>;
  /** More layer class names to treat as normalization, beyond BatchNormalization and LayerNormalization. */
  readonly normTypes?: readonly string[];
}
