import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../errors.js';
import { type Clipper, type ClipperOptions, type NonFinitePolicy, withStats } from './clip.js';
import type { ParamGroup } from './groups.js';
import { fusedGradientClipper } from './kernels/gradNorms.js';
import {
  type GroupUpdates,
  OptimizerSlots,
  selectGroupUpdates,
  SKIPPED_KEY,
  slotNames,
  type StepControl,
  toGradientMap,
  updateGroup,
  validateState,
} from './rule.js';

/** One parameter group as the optimizer holds it: variable names and current hyperparameters. */
export interface OptimizerGroup {
  /** Unique tf variable names, the keys of the gradient map. */
  readonly names: readonly string[];
  /** The LR the schedule multiplies (the group's LR at construction). */
  readonly baseLr: number;
  /** The LR used by the next step. */
  lr: number;
  /** The weight decay used by the next step. */
  weightDecay: number;
}

/**
 * Statistics of the optimizer's last step, as device scalars the optimizer owns (kept until
 * the next step or `dispose`; clone one to keep it longer). Reading one is a device sync: a
 * metrics hook does it every N steps, the step itself never does.
 *
 * Why: the norm and clipping of each step are computed anyway; exposing them costs no extra device work.
 * @example
 * ```ts
 * const stats = optimizer.lastStepStats();
 * if (stats !== null) console.log('grad norm', (await stats.gradNorm.data())[0]);
 * ```
 */
export interface StepStats {
  /** p-norm of all gradients before clipping (p = the clipper's normType; 2 without clipping). */
  readonly gradNorm: tf.Scalar;
  /** 1 when clipping changed a gradient, else 0. */
  readonly clipped: tf.Scalar;
  /** 1 when the step was skipped because a gradient was not finite, else 0. */
  readonly skipped: tf.Scalar;
  /** Steps skipped since construction (or since state was loaded). */
  readonly skippedTotal: tf.Scalar;
}

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

/** Everything SolverOptimizer needs, validated, with defaults filled in. */
export interface ResolvedOptimizerOptions {
  readonly algorithm: OptimizerAlgorithm;
  readonly groups: OptimizerGroup[];
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly clip: ClipperOptions | null;
  /** The policy the step follows: the clip options' when given, else `nonFinite` (default `skip`). */
  readonly nonFinite: NonFinitePolicy;
  readonly clipper: Required<Clipper>;
  readonly selectUpdates: (backendName: string) => GroupUpdates;
}

const ALGORITHMS: readonly OptimizerAlgorithm[] = ['SGD', 'Adam', 'AdamW'];

/**
 * Validates SolverOptimizer's options and fills in the defaults.
 *
 * @throws SolverError('argument') naming the option or group, echoing the value, stating the rule.
 */
export function resolveOptimizerOptions(options: SolverOptimizerOptions): ResolvedOptimizerOptions {
  const algorithm = options.algorithm ?? 'SGD';
  const momentum = options.momentum ?? 0;
  const nesterov = options.nesterov ?? false;
  const betas = options.betas ?? [0.9, 0.999];
  const eps = options.eps ?? 1e-8;
  if (!ALGORITHMS.includes(algorithm)) fail(`algorithm: got '${algorithm as string}', expected one of ${ALGORITHMS.join(', ')}`);
  if (!(momentum >= 0 && Number.isFinite(momentum))) fail(`momentum: got ${momentum}, expected a finite number >= 0`);
  if (nesterov && momentum === 0) fail('nesterov: got true with momentum 0, Nesterov momentum needs momentum > 0');
  if (!betas.every((b) => b >= 0 && b < 1)) fail(`betas: got [${betas.join(', ')}], expected two numbers in [0, 1)`);
  if (!(eps > 0)) fail(`eps: got ${eps}, expected a number > 0`);
  const clip = options.clip ?? null;
  const nonFinite = (options.clipper === undefined ? clip?.nonFinite : undefined) ?? options.nonFinite ?? 'skip';
  // The fused clipper measures the global norm with one kernel pass on cpu/wasm and is
  // buildGradientClipper's clipper everywhere else, so it is the right default on every backend.
  const factory = options.clipperFactory ?? fusedGradientClipper;
  const base = options.clipper ?? factory(clip ?? { clipType: 'none', nonFinite });
  const clipper = withStats(base, nonFinite);
  const groups = resolveGroups(options);
  return {
    algorithm,
    groups,
    momentum,
    nesterov,
    betas,
    eps,
    clip,
    nonFinite,
    clipper,
    selectUpdates: options.selectUpdates ?? selectGroupUpdates,
  };
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

type ConfigDict = tf.serialization.ConfigDict;

/**
 * The serializable config of a SolverOptimizer (what `model.save` stores): groups by variable
 * name with their base and current LR, the update rule and the clipping options. A custom
 * clipper is not serializable; it is recorded as no clipping.
 *
 * @param opts the optimizer's resolved options.
 * @returns a plain config dictionary.
 */
export function optimizerConfig(opts: ResolvedOptimizerOptions): ConfigDict {
  return {
    algorithm: opts.algorithm,
    momentum: opts.momentum,
    nesterov: opts.nesterov,
    betas: [...opts.betas],
    eps: opts.eps,
    nonFinite: opts.nonFinite,
    // JSON has no Infinity: a normType of Infinity is written 'inf', as in a YAML config.
    clip: opts.clip === null ? null : { ...opts.clip, ...(opts.clip.normType === Infinity ? { normType: 'inf' } : {}) },
    groups: opts.groups.map((g) => ({ params: [...g.names], lr: g.baseLr, weightDecay: g.weightDecay, currentLr: g.lr })),
  };
}

/**
 * The options that rebuild an optimizer from {@link optimizerConfig}'s output, and each group's current LR.
 *
 * @param config a config dictionary written by optimizerConfig.
 * @returns constructor options and the current LRs to set.
 */
export function optionsFromConfig(config: ConfigDict): { options: SolverOptimizerOptions; currentLrs: number[] } {
  const groups = config.groups as unknown as { params: string[]; lr: number; weightDecay: number; currentLr: number }[];
  const stored = config.clip as (Omit<ClipperOptions, 'normType'> & { normType?: number | 'inf' }) | null;
  const clip: ClipperOptions | null =
    stored === null ? null : ({ ...stored, ...(stored.normType === 'inf' ? { normType: Infinity } : {}) } as ClipperOptions);
  const options: SolverOptimizerOptions = {
    algorithm: config.algorithm as OptimizerAlgorithm,
    momentum: config.momentum as number,
    nesterov: config.nesterov as boolean,
    betas: config.betas as unknown as [number, number],
    eps: config.eps as number,
    nonFinite: config.nonFinite as NonFinitePolicy,
    groups: groups.map((g) => ({ params: g.params, lr: g.lr, weightDecay: g.weightDecay })),
    ...(clip === null ? {} : { clip }),
  };
  return { options, currentLrs: groups.map((g) => g.currentLr) };
}

type NamedTensor = { name: string; tensor: tf.Tensor };

/**
 * A `tf.Optimizer` that owns detectron2-style parameter groups: SGD (momentum, Nesterov, weight
 * decay), Adam or AdamW, each group with its own LR and weight decay, clipping first.
 *
 * Why a real `tf.Optimizer`: `model.compile({ optimizer })` + `fit`/`fitDataset` use it unchanged,
 * and `model.save({ includeOptimizer })` carries its state. A step never waits on the device
 * (unless the non-finite policy is `error`): clipping coefficients, the skip decision and the
 * statistics stay on the device. State is keyed by variable name; loading state made for other
 * variables is an error naming them. `iterations` counts every call, skipped steps included.
 * It matches the schedules' interface: `setLearningRates` / `baseLearningRates`.
 *
 * @example
 * ```ts
 * const groups = getDefaultOptimizerParams(model, { baseLr: 0.1, weightDecayNorm: 0 });
 * const optimizer = new SolverOptimizer({ groups, momentum: 0.9, weightDecay: 1e-4 });
 * model.compile({ optimizer, loss: 'meanSquaredError' });
 * ```
 */
export class SolverOptimizer extends tf.Optimizer {
  /** The name tfjs serialization registers this class under (a getter, as tfjs's own optimizers). */
  public static get className(): string {
    return 'SolverOptimizer';
  }

  private readonly opts: ResolvedOptimizerOptions;
  private readonly slots = new OptimizerSlots();
  private readonly covered: ReadonlySet<string>;
  private stats: StepStats | null = null;
  private savedIterations: NamedTensor | null = null;

  /** @throws SolverError('argument') for an invalid option (see {@link SolverOptimizerOptions}). */
  public constructor(options: SolverOptimizerOptions) {
    super();
    this.opts = resolveOptimizerOptions(options);
    this.covered = new Set(this.opts.groups.flatMap((g) => g.names));
  }

  /** The groups' LRs at construction: what a schedule multiplies. */
  public get baseLearningRates(): readonly number[] {
    return this.opts.groups.map((g) => g.baseLr);
  }

  /** The groups as the next step sees them (names, LR, weight decay); read-only copies. */
  public get paramGroups(): readonly Readonly<OptimizerGroup>[] {
    return this.opts.groups.map((g) => ({ ...g }));
  }

  /**
   * Sets each group's LR for the next steps (the LR is outside the momentum buffer, so it acts at once).
   * @throws SolverError('argument') when the count differs from the groups' or an LR is not finite and >= 0.
   */
  public setLearningRates(lrs: readonly number[]): void {
    this.setPerGroup('lrs', lrs, (g, v) => (g.lr = v));
  }

  /** Sets each group's weight decay for the next steps. @throws SolverError('argument') as setLearningRates. */
  public setWeightDecays(weightDecays: readonly number[]): void {
    this.setPerGroup('weightDecays', weightDecays, (g, v) => (g.weightDecay = v));
  }

  /** The last step's statistics (owned by the optimizer until the next step), or null before the first. */
  public lastStepStats(): StepStats | null {
    return this.stats;
  }

  /**
   * Clips, then updates every group, in place. Synchronous, no device sync.
   * @throws SolverError('argument') for a gradient of a variable in no group;
   *   SolverError('nonFinite') under the `error` policy.
   */
  public override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const grads = toGradientMap(variableGradients);
    const stray = Object.keys(grads).filter((n) => !this.covered.has(n));
    if (stray.length > 0) {
      throw new SolverError(
        'argument',
        `gradient for variable(s) ${stray.map((n) => `'${n}'`).join(', ')} that belong to no parameter group`,
      );
    }
    const next = tf.tidy(() => this.step(grads));
    tf.keep(next.gradNorm);
    tf.keep(next.clipped);
    tf.keep(next.skipped);
    this.disposeStats();
    this.stats = { ...next, skippedTotal: this.slots.get({ key: SKIPPED_KEY, like: null }) as tf.Variable<tf.Rank.R0> };
    this.incrementIterations();
  }

  /**
   * `[iterations, ...slots]`, each slot named `<variable>/<slot>` (see slotNames). Every returned
   * tensor stays owned by the optimizer (the iteration scalar until the next call or `dispose`):
   * do not dispose them. NOTE: `model.save` never disposes what it gets, so owning them avoids a leak.
   */
  public override async getWeights(): Promise<NamedTensor[]> {
    const slots = slotNames(this.opts.algorithm, this.opts.groups, this.opts.momentum);
    this.savedIterations?.tensor.dispose();
    this.savedIterations = await this.saveIterations();
    return [this.savedIterations, ...slots.map((s) => ({ name: s.key, tensor: this.slots.get(s) }))];
  }

  /** Loads state written by getWeights. @throws SolverError('state') naming slots that do not fit; nothing is changed then. */
  public override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    validateState(weightValues.slice(1), slotNames(this.opts.algorithm, this.opts.groups, this.opts.momentum));
    const rest = await this.extractIterations(weightValues);
    for (const { name, tensor } of rest) this.slots.set(name, tensor);
  }

  /** The serializable config (groups by variable name, update rule, clipping options). */
  public override getConfig(): tf.serialization.ConfigDict {
    return optimizerConfig(this.opts);
  }

  /** Rebuilds an optimizer from getConfig's output; the variables must exist under the same names. */
  public static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { options, currentLrs } = optionsFromConfig(config);
    const optimizer = new cls(options);
    (optimizer as unknown as SolverOptimizer).setLearningRates(currentLrs);
    return optimizer;
  }

  /** Disposes the state variables and the last statistics. */
  public override dispose(): void {
    super.dispose();
    this.disposeStats();
    this.savedIterations?.tensor.dispose();
    this.savedIterations = null;
    this.slots.dispose();
  }

  private step(grads: tf.NamedTensorMap): Omit<StepStats, 'skippedTotal'> {
    // Select first: on cpu/wasm it registers the fused kernels the default clipper also uses.
    const updates = this.opts.selectUpdates(tf.getBackend());
    const outcome = this.opts.clipper.analyse(grads);
    const apply = this.opts.nonFinite === 'skip' ? outcome.stats.finite : null;
    const control: StepControl = { gradScale: outcome.gradScale, apply };
    for (const group of this.opts.groups) updateGroup(group, outcome.grads, control, updates, this.opts, this.slots);
    const skipped = apply === null ? tf.scalar(0) : tf.sub<tf.Scalar>(1, apply);
    const total = this.slots.get({ key: SKIPPED_KEY, like: null });
    total.assign(tf.add(total, skipped));
    return { gradNorm: outcome.stats.norm, clipped: outcome.stats.clipped, skipped };
  }

  private setPerGroup(what: string, values: readonly number[], set: (g: OptimizerGroup, v: number) => void): void {
    const { groups } = this.opts;
    if (values.length !== groups.length || !values.every((v) => Number.isFinite(v) && v >= 0)) {
      throw new SolverError(
        'argument',
        `${what}: got [${values.join(', ')}], expected ${groups.length} finite numbers >= 0, one per group`,
      );
    }
    groups.forEach((g, i) => {
      set(g, values[i] as number);
    });
  }

  private disposeStats(): void {
    if (this.stats === null) return;
    tf.dispose([this.stats.gradNorm, this.stats.clipped, this.stats.skipped]);
    this.stats = null;
  }
}

tf.serialization.registerClass(SolverOptimizer);
