import * as tf from '@tensorflow/tfjs';
import type { SolverConfig } from '../config/schema.js';
import { SolverError } from '../errors.js';
import { buildGradientClipper, type Clipper, type ClipperOptions, type ClipType, type NonFinitePolicy } from './clip.js';
import { type DefaultOptimizerParamsOptions, getDefaultOptimizerParams, type ModuleData } from './groups.js';
import { type RuleOptions, ruleNamed, type UpdateRule } from './rule.js';
import {
  type GradientReducerLike,
  type OptimizerAlgorithm,
  type OptimizerGroup,
  SolverOptimizer,
  type SolverOptimizerOptions,
} from './SolverOptimizer.js';

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
  /** Runs on the gradients before the clipper (a multi-worker all-reduce). */
  readonly reducer?: SolverOptimizerOptions['reducer'];
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
 * `BIAS_LR_FACTOR`, `WEIGHT_DECAY_BIAS`) and an optimizer with the update rule `OPTIMIZER` names
 * (SGD with `MOMENTUM`, `NESTEROV`; (ext) `Adam`, `AdamW` with `BETAS`, `EPS`; `Lion` with `BETAS`),
 * `WEIGHT_DECAY` for groups that set none; clipping from `CLIP_GRADIENTS` when `ENABLED`.
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
  return new SolverOptimizer({
    algorithm: s.OPTIMIZER,
    groups,
    lr: s.BASE_LR,
    weightDecay: s.WEIGHT_DECAY,
    // Only the keys this rule reads (e.g. MOMENTUM for SGD, BETAS and EPS for Adam).
    ...ruleNamed(s.OPTIMIZER, 'SOLVER.OPTIMIZER').fromConfig(s),
    nonFinite: clip.NONFINITE,
    ...(clip.ENABLED
      ? { clip: { clipType: clip.CLIP_TYPE, clipValue: clip.CLIP_VALUE, normType: clip.NORM_TYPE, nonFinite: clip.NONFINITE } }
      : {}),
    ...(options.clipper === undefined ? {} : { clipper: options.clipper }),
    ...(options.reducer === undefined ? {} : { reducer: options.reducer }),
  });
}

// Public API of src/optim: parameter groups, clipping, the optimizer and its builder.

// Fused kernels for cpu/wasm (owned by the performance work; see src/optim/kernels/index.ts).

type ConfigDict = tf.serialization.ConfigDict;

/**
 * The serializable config of a SolverOptimizer (what `model.save` stores): groups by variable
 * name with their base and current LR, the update rule and its options, the clipping options.
 * A custom clipper is not serializable; it is recorded as no clipping.
 *
 * NOTE: tfjs camel-cases every string of a saved optimizer config when it loads it
 * (`dense_Dense1/kernel` would come back as `denseDense1/kernel`), except the value of a key
 * `name`. So each variable name is stored as `{ name }`, and the clip type is read back in
 * either spelling.
 *
 * @param opts the optimizer's resolved options.
 * @returns a plain config dictionary.
 */
export function optimizerConfig(opts: ResolvedOptimizerOptions): ConfigDict {
  const clip = opts.clip;
  return {
    algorithm: opts.algorithm,
    ...(opts.ruleOptions as ConfigDict),
    nonFinite: opts.nonFinite,
    // JSON has no Infinity: a normType of Infinity is written 'inf', as in a YAML config.
    clip: clip === null ? null : { ...clip, ...(clip.normType === Infinity ? { normType: 'inf' } : {}) },
    groups: opts.groups.map((g) => ({
      params: g.names.map((name) => ({ name })),
      lr: g.baseLr,
      weightDecay: g.weightDecay,
      currentLr: g.lr,
    })),
  };
}

const CLIP_TYPES: Readonly<Record<string, ClipType>> = {
  fullModel: 'full_model',
  full_model: 'full_model',
  value: 'value',
  norm: 'norm',
  none: 'none',
};

/**
 * The options that rebuild an optimizer from {@link optimizerConfig}'s output (also after tfjs's
 * key and value conversion), and each group's current LR.
 *
 * @param config a config dictionary written by optimizerConfig.
 * @returns constructor options and the current LRs to set.
 */
export function optionsFromConfig(config: ConfigDict): {
  options: SolverOptimizerOptions;
  currentLrs: number[];
  renames: Map<string, string>;
} {
  type StoredGroup = { params: ({ name: string } | string)[]; lr: number; weightDecay: number; currentLr: number };
  const groups = config.groups as unknown as StoredGroup[];
  const stored = config.clip as (Omit<ClipperOptions, 'normType'> & { normType?: number | 'inf' }) | null;
  const clip: ClipperOptions | null =
    stored === null
      ? null
      : ({
          ...stored,
          ...(stored.normType === 'inf' ? { normType: Infinity } : {}),
          ...(stored.clipType === undefined ? {} : { clipType: CLIP_TYPES[stored.clipType] ?? stored.clipType }),
        } as ClipperOptions);
  const ruleOptions: RuleOptions = {
    ...(typeof config.momentum === 'number' ? { momentum: config.momentum } : {}),
    ...(typeof config.nesterov === 'boolean' ? { nesterov: config.nesterov } : {}),
    ...(Array.isArray(config.betas) ? { betas: config.betas as unknown as [number, number] } : {}),
    ...(typeof config.eps === 'number' ? { eps: config.eps } : {}),
  };
  const saved = (p: { name: string } | string): string => (typeof p === 'string' ? p : p.name);
  const renames = new Map(groups.flatMap((g) => g.params.map(saved)).map((n) => [n, current(n)]));
  const options: SolverOptimizerOptions = {
    algorithm: config.algorithm as OptimizerAlgorithm,
    ...ruleOptions,
    nonFinite: config.nonFinite as NonFinitePolicy,
    groups: groups.map((g) => ({
      params: g.params.map((p) => renames.get(saved(p)) ?? saved(p)),
      lr: g.lr,
      weightDecay: g.weightDecay,
    })),
    ...(clip === null ? {} : { clip }),
  };
  return { options, currentLrs: groups.map((g) => g.currentLr), renames };
}

/**
 * The variable that now stands for the variable saved as `saved`: the most recently created
 * variable named `saved`, or its base name (without tfjs's `_N` uniqueness suffix) followed by
 * `_N`. A model loaded with `tf.loadLayersModel` creates its variables just before its optimizer
 * is rebuilt, and tfjs adds a suffix when the name was ever used in this process (e.g. the saved
 * model still exists): `dense_Dense1/kernel` comes back as `dense_Dense1/kernel_1`.
 *
 * @param saved the variable name stored in the config.
 * @returns the current name (`saved` itself when no variable matches; lookups then report it).
 */
function current(saved: string): string {
  const base = saved.replace(/_\d+$/, '');
  const names = Object.keys(tf.engine().registeredVariables);
  const matches = names.filter((n) => n === saved || n === base || (n.startsWith(`${base}_`) && /^\d+$/.test(n.slice(base.length + 1))));
  return matches.at(-1) ?? saved;
}

/** Everything SolverOptimizer needs, validated, with defaults filled in. */
export interface ResolvedOptimizerOptions {
  readonly algorithm: string;
  readonly rule: UpdateRule;
  /** The rule's hyperparameters (without the per-group LR and decay). */
  readonly hyper: object;
  /** The rule options as given, stored in the config. */
  readonly ruleOptions: RuleOptions;
  readonly groups: OptimizerGroup[];
  readonly clip: ClipperOptions | null;
  /** The policy the step follows: the clip options' when given, else `nonFinite` (default `skip`). */
  readonly nonFinite: NonFinitePolicy;
  readonly clipper: Clipper;
  readonly reducer: GradientReducerLike | null;
  readonly fused: boolean;
}

/**
 * Validates SolverOptimizer's options and fills in the defaults.
 *
 * @throws SolverError('argument') naming the option or group, echoing the value, stating the rule.
 */
export function resolveOptimizerOptions(options: SolverOptimizerOptions): ResolvedOptimizerOptions {
  const algorithm: string = options.algorithm ?? 'SGD';
  const rule = ruleNamed(algorithm);
  const ruleOptions: RuleOptions = {
    ...(options.momentum === undefined ? {} : { momentum: options.momentum }),
    ...(options.nesterov === undefined ? {} : { nesterov: options.nesterov }),
    ...(options.betas === undefined || options.betas === null ? {} : { betas: options.betas }),
    ...(options.eps === undefined ? {} : { eps: options.eps }),
  };
  const hyper = rule.resolve(ruleOptions);
  const clip = options.clip ?? null;
  const nonFinite = (options.clipper === undefined ? clip?.nonFinite : undefined) ?? options.nonFinite ?? 'skip';
  const fused = options.fused ?? true;
  // Built once: the clipper measures the global norm with the fused kernel on cpu/wasm (unless
  // `fused` is false) and with plain ops elsewhere, decided at each call.
  const clipper = options.clipper ?? buildGradientClipper(clip ?? { clipType: 'none', nonFinite }, { fused });
  const groups = resolveGroups(options);
  return { algorithm, rule, hyper, ruleOptions, groups, clip, nonFinite, clipper, reducer: options.reducer ?? null, fused };
}

function resolveGroups(options: SolverOptimizerOptions): OptimizerGroup[] {
  const seen = new Set<string>();
  return options.groups.map((group, i) => {
    const lr = group.lr ?? options.lr;
    const weightDecay = group.weightDecay ?? options.weightDecay ?? 0;
    if (lr === undefined || !(Number.isFinite(lr) && lr >= 0)) {
      fail(`groups[${i}].lr: got ${String(lr)}, expected a finite number >= 0 (set it on the group or pass lr)`);
    }
    if (!(Number.isFinite(weightDecay) && weightDecay >= 0)) {
      fail(`groups[${i}].weightDecay: got ${weightDecay}, expected a finite number >= 0`);
    }
    const names = group.params.map((p) => (typeof p === 'string' ? p : p.name));
    for (const name of names) {
      if (seen.has(name)) fail(`groups[${i}]: variable '${name}' is already in an earlier group; each variable belongs to one group`);
      seen.add(name);
    }
    return { names, baseLr: lr, lr, weightDecay };
  });
}

function fail(message: string): never {
  throw new SolverError('argument', message);
}
