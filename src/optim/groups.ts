import type * as tf from '@tensorflow/tfjs';
import { numberAtLeast, readArg } from '../config/rules.js';
import { formatValue, SolverError } from '../errors.js';

/**
 * Hyperparameters a parameter group can carry. `lr` and `weightDecay` are what the optimizers
 * read; any other key (e.g. `momentum` in detectron2's tests) is kept and compared when merging.
 */
export interface ParamHyperparams {
  readonly lr?: number;
  readonly weightDecay?: number;
  readonly [key: string]: unknown;
}

/**
 * A parameter group: the parameters (in walk order) and the hyperparameters they share.
 *
 * Why generic in `P`: the rules are pure functions of names and flags. With plain data `P` is
 * whatever identifies a weight (a string in tests); for a `tf.LayersModel` it is the weight's
 * `tf.Variable`, whose `name` is the key of the gradient map.
 */
export type ParamGroup<P> = ParamHyperparams & { readonly params: readonly P[] };

/** One weight of a {@link ModuleData}: its short name, what identifies it, and whether it trains. */
export interface ParamData<P> {
  /** The weight's name inside its module, e.g. `kernel`, `weight`, `bias`. */
  readonly name: string;
  /** What identifies the weight; tied weights share the same value (compared with `===`). */
  readonly value: P;
  /** Non-trainable weights never enter a group. Default true. */
  readonly trainable?: boolean;
}

/**
 * One module (layer) of a model as plain data, in walk order. This is how the group rules are
 * tested without tensors and how models of other libraries plug in.
 */
export interface ModuleData<P> {
  /** The module's name; the full name of a weight is `${name}.${param.name}`. */
  readonly name: string;
  /** The module's class name, e.g. `Dense`, `BatchNormalization` (decides normalization). */
  readonly type: string;
  /** The module's own weights, in order. */
  readonly params: readonly ParamData<P>[];
}

/**
 * Options of {@link getDefaultOptimizerParams}, detectron2's `get_default_optimizer_params`
 * arguments in camelCase. Every option may be omitted.
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
   * Each override sets `lr` and/or `weight_decay` (detectron2's spelling; `weightDecay` too);
   * any other key is refused (see {@link normalizeOverride}).
   */
  readonly overrides?: Readonly<Record<string, ParamHyperparams>>;
  /** More layer class names to treat as normalization, beyond BatchNormalization and LayerNormalization. */
  readonly normTypes?: readonly string[];
}

/**
 * Splits parameter groups into one group per parameter, later groups overriding earlier ones.
 *
 * Why: it is the first half of {@link reduceParamGroups}; a parameter listed in several groups
 * (detectron2 allows it) ends up with the union of their hyperparameters, the later group
 * winning on a shared key. Parameters keep the order of their first appearance.
 *
 * @param groups groups in priority order (last wins); not modified.
 * @returns one new group per distinct parameter (compared with `===`).
 * @example
 * ```ts
 * expandParamGroups([{ params: ['a', 'b'], lr: 1 }, { params: ['a'], weightDecay: 2 }]);
 * // [{ params: ['a'], lr: 1, weightDecay: 2 }, { params: ['b'], lr: 1 }]
 * ```
 */
export function expandParamGroups<P>(groups: readonly ParamGroup<P>[]): ParamGroup<P>[] {
  const byParam = new Map<P, Record<string, unknown>>();
  for (const group of groups) {
    const { params, ...hyper } = group;
    for (const param of params) {
      byParam.set(param, { ...(byParam.get(param) ?? {}), ...hyper });
    }
  }
  return [...byParam].map(([param, hyper]) => ({ ...(hyper as ParamHyperparams), params: [param] }));
}

/**
 * TensorFlow.js weight short names → detectron2's, so that a detectron2 config's
 * `bias` / `weight` overrides mean the same weights in a tfjs model.
 */
export const TFJS_TO_DETECTRON2: Readonly<Record<string, string>> = Object.freeze({
  kernel: 'weight',
  depthwise_kernel: 'weight',
  pointwise_kernel: 'weight',
  recurrent_kernel: 'weight',
  embeddings: 'weight',
  gamma: 'weight',
  bias: 'bias',
  beta: 'bias',
});

/**
 * The part of a weight name after the last `/`, without tfjs's uniqueness suffix (`kernel_1`
 * → `kernel`, only when the unsuffixed name is a known tfjs weight name).
 *
 * @param name a scoped weight name such as `dense_1/kernel_1`.
 * @returns the short name, e.g. `kernel`.
 */
export function shortWeightName(name: string): string {
  const last = name.slice(name.lastIndexOf('/') + 1);
  const unsuffixed = last.replace(/_\d+$/, '');
  return unsuffixed !== last && unsuffixed in TFJS_TO_DETECTRON2 ? unsuffixed : last;
}

/**
 * Maps a TensorFlow.js weight name to detectron2's short name.
 *
 * Why: a detectron2 config's `bias` override and `BIAS_LR_FACTOR` must mean the same weights
 * in a tfjs model. Only the part after the last `/` counts; a numeric `_N` suffix that tfjs adds
 * to make a variable name unique is ignored. Names without a mapping come back unchanged.
 *
 * @param name a weight name such as `dense_1/kernel`, `bn/beta` or `weight`.
 * @returns `weight`, `bias`, or the short name itself.
 * @example
 * ```ts
 * mapWeightName('conv/kernel'); // 'weight'
 * mapWeightName('bn/beta');     // 'bias'
 * ```
 */
export function mapWeightName(name: string): string {
  const short = shortWeightName(name);
  return TFJS_TO_DETECTRON2[short] ?? short;
}

/** A layer that holds other layers (a nested `tf.LayersModel`, `tf.Sequential`). */
interface LayerContainer {
  readonly layers: readonly tf.layers.Layer[];
}

function isContainer(layer: tf.layers.Layer): layer is tf.layers.Layer & LayerContainer {
  return Array.isArray((layer as Partial<LayerContainer>).layers);
}

/**
 * Describes a `tf.LayersModel` as plain module data, layers in order, nested models walked
 * depth-first in place.
 *
 * Why the `tf.Variable` as value: gradient maps are keyed by the variable's unique name
 * (`dense_1/kernel_1` when names collide), not by the weight's original name.
 * Module names are the layer path joined with `.` (`inner_model.dense_2`), param names the
 * weight's short tfjs name (`kernel`), so a full name reads `inner_model.dense_2.kernel`.
 * A layer reachable twice (shared) is listed twice; getDefaultOptimizerParams keeps the first.
 *
 * @param model the model to walk.
 * @returns one module per non-container layer.
 */
export function modulesFromLayersModel(model: tf.LayersModel): ModuleData<tf.Variable>[] {
  const modules: ModuleData<tf.Variable>[] = [];
  walk(model.layers, '', modules);
  return modules;
}

function walk(layers: readonly tf.layers.Layer[], prefix: string, out: ModuleData<tf.Variable>[]): void {
  for (const layer of layers) {
    const name = `${prefix}${layer.name}`;
    if (isContainer(layer)) {
      walk(layer.layers, `${name}.`, out);
      continue;
    }
    const trainable = new Set(layer.trainableWeights);
    out.push({
      name,
      type: layer.getClassName(),
      params: layer.weights.map((w) => ({
        name: w.originalName.slice(w.originalName.lastIndexOf('/') + 1),
        // The tensor LayerVariable.read() returns is its tf.Variable (tfjs-layers variables.ts).
        // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
        value: w.read() as tf.Variable,
        trainable: trainable.has(w),
      })),
    });
  }
}

/**
 * Layer class names treated as normalization layers (their weights get `weightDecayNorm`), in
 * both vocabularies: tfjs-layers' (`BatchNormalization`, `LayerNormalization`) and PyTorch's, as
 * detectron2's `norm_module_types` lists them (`BatchNorm1d/2d/3d`, `SyncBatchNorm`, `GroupNorm`,
 * `InstanceNorm1d/2d/3d`, `LayerNorm`, `LocalResponseNorm`) plus detectron2's own
 * `NaiveSyncBatchNorm` (a `BatchNorm2d` subclass, which detectron2's `isinstance` check catches).
 *
 * Why both: plain module data exported from a PyTorch model carries PyTorch class names.
 * Pass more through the `normTypes` option of getDefaultOptimizerParams.
 */
export const NORMALIZATION_TYPES: readonly string[] = Object.freeze([
  'BatchNormalization',
  'LayerNormalization',
  'BatchNorm1d',
  'BatchNorm2d',
  'BatchNorm3d',
  'SyncBatchNorm',
  'GroupNorm',
  'InstanceNorm1d',
  'InstanceNorm2d',
  'InstanceNorm3d',
  'LayerNorm',
  'LocalResponseNorm',
  'NaiveSyncBatchNorm',
]);

/** The override keys a group rule reads, in detectron2's (PyTorch's) spelling and ours. */
const OVERRIDE_KEYS: Readonly<Record<string, 'lr' | 'weightDecay'>> = Object.freeze({
  lr: 'lr',
  weight_decay: 'weightDecay',
  weightDecay: 'weightDecay',
});

/**
 * PyTorch optimizer keys a detectron2 override may carry that this optimizer does not set per
 * group: it applies `SOLVER.MOMENTUM`, `NESTEROV`, `BETAS` and `EPS` to every group alike.
 */
export const GLOBAL_ONLY_OVERRIDE_KEYS: readonly string[] = Object.freeze([
  'momentum',
  'nesterov',
  'dampening',
  'betas',
  'eps',
  'amsgrad',
  'maximize',
  'foreach',
  'capturable',
  'differentiable',
  'fused',
]);

/**
 * Reads one override (`overrides[name]`) in detectron2's spelling (`{ lr: 0.01, weight_decay: 0.1 }`)
 * or ours (`{ lr, weightDecay }`) and returns it as `{ lr?, weightDecay? }`.
 *
 * Why strict: an override key no rule reads (a typo, or a PyTorch key such as `momentum` that
 * this optimizer sets for all groups) would otherwise be kept and silently do nothing.
 *
 * @param name the weight name the override is for (`bias`, `embedding`), for messages.
 * @param override the override as given.
 * @returns a new object with `lr` and/or `weightDecay`.
 * @throws SolverError('argument') naming `overrides.<name>.<key>`: an unknown key, a per-group
 *   key the optimizer does not support, both spellings of one key, or a value not a finite number >= 0.
 */
export function normalizeOverride(name: string, override: unknown): ParamHyperparams {
  const at = `overrides.${name}`;
  if (typeof override !== 'object' || override === null || Array.isArray(override)) {
    throw new SolverError('argument', `${at}: got ${formatValue(override)}, expected a mapping such as { lr: 0.01, weight_decay: 0.1 }`);
  }
  const result: { lr?: number; weightDecay?: number } = {};
  for (const [key, value] of Object.entries(override)) {
    const ours: 'lr' | 'weightDecay' | undefined = Object.prototype.hasOwnProperty.call(OVERRIDE_KEYS, key)
      ? OVERRIDE_KEYS[key]
      : undefined;
    if (ours === undefined) {
      const why: string = GLOBAL_ONLY_OVERRIDE_KEYS.includes(key)
        ? 'not supported per group (the optimizer applies SOLVER.MOMENTUM, NESTEROV, BETAS and EPS to every group; set it there)'
        : 'no group rule reads it';
      throw new SolverError('argument', `${at}.${key}: ${why}; expected only lr and weight_decay (or weightDecay)`);
    }
    if (result[ours] !== undefined) {
      throw new SolverError('argument', `${at}.${key}: given twice (as weight_decay and weightDecay), expected one of them`);
    }
    result[ours] = readArg(`${at}.${key}`, value, numberAtLeast(0));
  }
  return result;
}

/**
 * Merges parameter groups whose hyperparameters are identical, as detectron2's
 * `reduce_param_groups` does (after expanding them per parameter).
 *
 * Why: every group is one multi-tensor update, so fewer groups means fewer passes.
 * NOTE: groups are compared by value, not by key order: `{lr, weightDecay}` and
 * `{weightDecay, lr}` with equal numbers merge (detectron2 keeps them apart). Groups come
 * out in order of first appearance, parameters inside a group in their original order.
 *
 * @param groups the groups to merge; not modified.
 * @returns new, merged groups; each group's keys are its hyperparameters then `params`.
 * @example
 * ```ts
 * reduceParamGroups([{ params: ['a'], lr: 1 }, { params: ['b'], lr: 2 }, { params: ['c'], lr: 1 }]);
 * // [{ lr: 1, params: ['a', 'c'] }, { lr: 2, params: ['b'] }]
 * ```
 */
export function reduceParamGroups<P>(groups: readonly ParamGroup<P>[]): ParamGroup<P>[] {
  const merged = new Map<string, { hyper: ParamHyperparams; params: P[] }>();
  for (const { params, ...hyper } of expandParamGroups(groups)) {
    const key = hyperparamsKey(hyper);
    const entry = merged.get(key) ?? { hyper, params: [] };
    entry.params.push(...params);
    merged.set(key, entry);
  }
  return [...merged.values()].map(({ hyper, params }) => ({ ...hyper, params }));
}

/** A string equal for hyperparameter objects with the same keys and values, in any key order. */
function hyperparamsKey(hyper: ParamHyperparams): string {
  return Object.keys(hyper)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${typeof hyper[k]}:${String(hyper[k])}`)
    .join('|');
}

/**
 * Validates the options of getDefaultOptimizerParams and returns the overrides to apply: the
 * caller's, plus the `bias` override that `biasLrFactor`/`weightDecayBias` make.
 *
 * @param options the caller's options; not modified.
 * @returns a new overrides object.
 * @throws SolverError('argument') `bias_lr_factor requires base_lr`, `Conflicting overrides
 *   for 'bias'` or `lr_factor_func requires base_lr`, each followed by the values at fault, or an
 *   override key no rule reads ({@link normalizeOverride}).
 */
export function resolveOverrides(options: DefaultOptimizerParamsOptions): Record<string, ParamHyperparams> {
  const { baseLr, biasLrFactor = 1, weightDecayBias, lrFactorFunc } = options;
  const overrides: Record<string, ParamHyperparams> = {};
  for (const [name, override] of Object.entries(options.overrides ?? {})) overrides[name] = normalizeOverride(name, override);
  let bias: { lr?: number; weightDecay?: number } = {};
  if (biasLrFactor !== 1) {
    if (baseLr === undefined) {
      throw new SolverError('argument', `bias_lr_factor requires base_lr: got biasLrFactor=${biasLrFactor} and no baseLr`);
    }
    bias = { lr: baseLr * biasLrFactor };
  }
  if (weightDecayBias !== undefined) bias = { ...bias, weightDecay: weightDecayBias };
  if (Object.keys(bias).length > 0) {
    if ('bias' in overrides) {
      throw new SolverError(
        'argument',
        `Conflicting overrides for 'bias': biasLrFactor=${biasLrFactor} / weightDecayBias=${String(weightDecayBias)} ` +
          `make a 'bias' override and overrides.bias=${formatValue(overrides.bias)} is given too`,
      );
    }
    overrides.bias = bias;
  }
  if (lrFactorFunc !== undefined && baseLr === undefined) {
    throw new SolverError('argument', 'lr_factor_func requires base_lr: got lrFactorFunc and no baseLr');
  }
  return overrides;
}

/**
 * Builds parameter groups with per-weight LR and weight decay, as detectron2's
 * `get_default_optimizer_params`.
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
export function getDefaultOptimizerParams(source: tf.LayersModel, options?: DefaultOptimizerParamsOptions): ParamGroup<tf.Variable>[];
export function getDefaultOptimizerParams<P>(source: readonly ModuleData<P>[], options?: DefaultOptimizerParamsOptions): ParamGroup<P>[];
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

/** The hyperparameters of one weight: defaults, then normalization decay, then the LR factor, then overrides. */
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
