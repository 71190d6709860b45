import type { Clipper } from './clip/Clipper.js';
import type { DefaultOptimizerParamsOptions } from './groups/DefaultOptimizerParamsOptions.js';
import type { SolverOptimizerOptions } from './optimizer/SolverOptimizerOptions.js';

/** Extra inputs of buildOptimizer that a YAML config cannot express. */
export interface BuildOptimizerOptions {
  /** A clipper to use instead of the one `CLIP_GRADIENTS` describes (e.g. bound by the DI container). */
  readonly clipper?: Clipper;
  /** Builds the clipper from the `CLIP_GRADIENTS` options (see SolverOptimizerOptions.clipperFactory). */
  readonly clipperFactory?: SolverOptimizerOptions['clipperFactory'];
  /** Passed to getDefaultOptimizerParams. */
  readonly overrides?: DefaultOptimizerParamsOptions['overrides'];
  /** Passed to getDefaultOptimizerParams. */
  readonly lrFactorFunc?: DefaultOptimizerParamsOptions['lrFactorFunc'];
  /** Passed to getDefaultOptimizerParams. */
  readonly normTypes?: DefaultOptimizerParamsOptions['normTypes'];
}
