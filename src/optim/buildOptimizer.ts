import type * as tf from '@tensorflow/tfjs';
import type { SolverConfig } from '../config/schema.js';
import type { Clipper } from './clip.js';
import { type DefaultOptimizerParamsOptions, getDefaultOptimizerParams, type ModuleData } from './groups.js';
import { SolverOptimizer, type SolverOptimizerOptions } from './SolverOptimizer.js';

/**
 * Extra inputs of buildOptimizer that a YAML config cannot express.
 *
 * Why: groups and clippers that a YAML file cannot express (functions, your own Clipper) are passed in code.
 * @example
 * ```ts
 * const optimizer = buildOptimizer(config, model, {
 *   overrides: { bias: { weightDecay: 0 } }, // no decay on any bias
 *   lrFactorFunc: (name) => (name.startsWith('head/') ? 10 : 1), // a 10x LR for the head
 * });
 * ```
 */
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

/**
 * Builds the optimizer a config describes, as detectron2's `build_optimizer`.
 *
 * Why: one call turns the `SOLVER` section into groups (`BASE_LR`, `WEIGHT_DECAY_NORM`,
 * `BIAS_LR_FACTOR`, `WEIGHT_DECAY_BIAS`) and an optimizer: SGD with `MOMENTUM`, `NESTEROV` and
 * `WEIGHT_DECAY` for groups that set none, or (ext) `OPTIMIZER: AdamW | Adam` with `BETAS`,
 * `EPS`; clipping from `CLIP_GRADIENTS` when `ENABLED`.
 * NOTE: `CLIP_GRADIENTS.NONFINITE` applies even when clipping is disabled, so a NaN gradient
 * never silently reaches the weights (a `none` policy restores detectron2's behaviour).
 *
 * @param config a loaded config (only `SOLVER` is read).
 * @param model a `tf.LayersModel`, or plain module data whose params are variables or their names.
 * @param options a custom clipper and group options a YAML file cannot hold. Default `{}`.
 * @returns a SolverOptimizer ready for `model.compile({ optimizer })`.
 * @throws SolverError('argument') from the group rules or an invalid hyperparameter.
 * @example
 * ```ts
 * const optimizer = buildOptimizer(await loadConfig('configs/default.yaml'), model);
 * model.compile({ optimizer, loss: 'meanSquaredError' });
 * ```
 */
export function buildOptimizer(
  config: Pick<SolverConfig, 'SOLVER'>,
  model: tf.LayersModel | readonly ModuleData<tf.Variable | string>[],
  options: BuildOptimizerOptions = {},
): SolverOptimizer {
  const s = config.SOLVER;
  const groupOptions = {
    baseLr: s.BASE_LR,
    weightDecayNorm: s.WEIGHT_DECAY_NORM,
    biasLrFactor: s.BIAS_LR_FACTOR,
    ...(s.WEIGHT_DECAY_BIAS === null ? {} : { weightDecayBias: s.WEIGHT_DECAY_BIAS }),
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    ...(options.lrFactorFunc === undefined ? {} : { lrFactorFunc: options.lrFactorFunc }),
    ...(options.normTypes === undefined ? {} : { normTypes: options.normTypes }),
  };
  const groups = Array.isArray(model)
    ? getDefaultOptimizerParams(model as readonly ModuleData<tf.Variable | string>[], groupOptions)
    : getDefaultOptimizerParams(model as tf.LayersModel, groupOptions);
  const clip = s.CLIP_GRADIENTS;
  const sgd = s.OPTIMIZER === 'SGD';
  return new SolverOptimizer({
    algorithm: s.OPTIMIZER,
    groups,
    lr: s.BASE_LR,
    weightDecay: s.WEIGHT_DECAY,
    momentum: sgd ? s.MOMENTUM : 0,
    nesterov: sgd && s.NESTEROV,
    betas: s.BETAS,
    eps: s.EPS,
    nonFinite: clip.NONFINITE,
    ...(clip.ENABLED
      ? { clip: { clipType: clip.CLIP_TYPE, clipValue: clip.CLIP_VALUE, normType: clip.NORM_TYPE, nonFinite: clip.NONFINITE } }
      : {}),
    ...(options.clipper === undefined ? {} : { clipper: options.clipper }),
    ...(options.clipperFactory === undefined ? {} : { clipperFactory: options.clipperFactory }),
  });
}

// Public API of src/optim: parameter groups, clipping, the optimizer and its builder.

// Fused kernels for cpu/wasm (owned by the performance work; see src/optim/kernels/index.ts).
