import type * as tf from '@tensorflow/tfjs';
import type { DefaultOptimizerParamsOptions } from './DefaultOptimizerParamsOptions.js';
import { mapWeightName } from './mapWeightName.js';
import { shortWeightName } from './shortWeightName.js';
import { modulesFromLayersModel } from './modulesFromLayersModel.js';
import { NORMALIZATION_TYPES } from './normalizationTypes.js';
import type { ModuleData, ParamGroup, ParamHyperparams } from './ParamGroup.js';
import { reduceParamGroups } from './reduceParamGroups.js';
import { resolveOverrides } from './resolveOverrides.js';

/**
 * Builds parameter groups with per-weight LR and weight decay, as detectron2's
 * `get_default_optimizer_params` (SPEC §2).
 *
 * Why: detectron2 recipes give normalization weights their own decay (`WEIGHT_DECAY_NORM`),
 * biases their own LR factor, and per-name overrides; this applies the same rules, in the same
 * order (defaults → normalization → lrFactorFunc → override), to a tfjs model or plain data.
 * Each weight appears once (first place wins for shared layers and tied weights); non-trainable
 * weights never appear. The result is already merged by {@link reduceParamGroups}.
 *
 * @param source a `tf.LayersModel` (params are its `tf.Variable`s; nested models walked in
 *   order) or plain module data (params are the `value`s; full names `module.param`).
 * @param options see {@link DefaultOptimizerParamsOptions}; never modified. Default `{}`.
 * @returns groups in order of first appearance; `lr`/`weightDecay` absent where no option set them.
 * @throws SolverError('argument') `bias_lr_factor requires base_lr`, `Conflicting overrides for
 *   'bias'`, `lr_factor_func requires base_lr`.
 * @example
 * ```ts
 * const groups = getDefaultOptimizerParams(model, { baseLr: 0.1, weightDecay: 1e-4, weightDecayNorm: 0 });
 * // e.g. [{ lr: 0.1, weightDecay: 1e-4, params: [kernel, bias] }, { lr: 0.1, weightDecay: 0, params: [gamma, beta] }]
 * ```
 */
export function getDefaultOptimizerParams(
  source: tf.LayersModel,
  options?: DefaultOptimizerParamsOptions,
): ParamGroup<tf.Variable>[];
export function getDefaultOptimizerParams<P>(
  source: readonly ModuleData<P>[],
  options?: DefaultOptimizerParamsOptions,
): ParamGroup<P>[];
export function getDefaultOptimizerParams<P>(
  source: tf.LayersModel | readonly ModuleData<P>[],
  options: DefaultOptimizerParamsOptions = {},
): ParamGroup<P | tf.Variable>[] {
  const overrides = resolveOverrides(options);
  const modules: readonly ModuleData<P | tf.Variable>[] = Array.isArray(source)
    ? (source as readonly ModuleData<P>[])
    : modulesFromLayersModel(source as tf.LayersModel);
  const normTypes = new Set([...NORMALIZATION_TYPES, ...(options.normTypes ?? [])]);
  const seen = new Set<P | tf.Variable>();
  const perWeight: ParamGroup<P | tf.Variable>[] = [];
  for (const module of modules) {
    for (const param of module.params) {
      if (param.trainable === false || seen.has(param.value)) continue;
      seen.add(param.value);
      const hyper = weightHyperparams(module, param.name, options, normTypes, overrides);
      perWeight.push({ ...hyper, params: [param.value] });
    }
  }
  return reduceParamGroups(perWeight);
}

/** SPEC §2.4 for one weight: defaults, then normalization decay, then the LR factor, then overrides. */
function weightHyperparams(
  module: ModuleData<unknown>,
  paramName: string,
  options: DefaultOptimizerParamsOptions,
  normTypes: ReadonlySet<string>,
  overrides: Readonly<Record<string, ParamHyperparams>>,
): ParamHyperparams {
  const hyper: { lr?: number; weightDecay?: number } = {};
  if (options.baseLr !== undefined) hyper.lr = options.baseLr;
  if (options.weightDecay !== undefined) hyper.weightDecay = options.weightDecay;
  if (normTypes.has(module.type) && options.weightDecayNorm !== undefined) hyper.weightDecay = options.weightDecayNorm;
  if (options.lrFactorFunc !== undefined && hyper.lr !== undefined) {
    hyper.lr *= options.lrFactorFunc(`${module.name}.${paramName}`);
  }
  const mapped = mapWeightName(paramName);
  const raw = shortWeightName(paramName);
  return { ...hyper, ...(overrides[mapped] ?? {}), ...(raw !== mapped ? (overrides[raw] ?? {}) : {}) };
}
