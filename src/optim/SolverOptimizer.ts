import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../errors.js';
import { optimizerConfig, optionsFromConfig, type ResolvedOptimizerOptions, resolveOptimizerOptions } from './buildOptimizer.js';
import { biasRequest, type Clipper, type ClipperOptions, clipForStep, type NonFinitePolicy, type StepClip } from './clip.js';
import type { ParamGroup } from './groups.js';
import { GPU_KERNEL_BACKENDS } from './kernels/gpu.js';
import { convertGroupSteps, StepCounts } from './stepCounts.js';
import { fusedKernelsReady } from './kernels/registry.js';
import { scalarInMemory } from './kernels/tfjsInternals.js';
import { lookupVariable, OptimizerSlots, SKIPPED_KEY, slotNames, type StepControl, toGradientMap, validateState } from './rule.js';

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

/** The update rule's name: `SGD`, `Adam`, `AdamW` (decoupled decay), `Lion`, or another registered rule's. */
export type OptimizerAlgorithm = 'SGD' | 'Adam' | 'AdamW' | 'Lion';

/** Combines gradients across workers before clipping (an all-reduce); see the Trainer's GradientReducer. */
export interface GradientReducerLike {
  reduce(grads: tf.NamedTensorMap): tf.NamedTensorMap;
}

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
  /** Adam and Lion β1, β2. Default (absent or null): the rule's own, [0.9, 0.999] for Adam/AdamW, [0.9, 0.99] for Lion. */
  readonly betas?: readonly [number, number] | null;
  /** Adam ε. Default 1e-8 (PyTorch's). */
  readonly eps?: number;
  /** Clipping built with buildGradientClipper; serialized with the optimizer. Default: no clipping. */
  readonly clip?: ClipperOptions;
  /** A custom clipper; wins over `clip` and is not serialized. */
  readonly clipper?: Clipper;
  /** Non-finite policy when `clip` is not given (custom or no clipper). Default `skip`. */
  readonly nonFinite?: NonFinitePolicy;
  /** Runs on the gradients before the clipper (a multi-worker all-reduce). Default: none. */
  readonly reducer?: GradientReducerLike;
  /**
   * Use the fused kernels where the backend has them (cpu, wasm, webgl, webgpu). Default true.
   * False runs the plain-ops updates and norms everywhere (what other backends run); the numbers
   * agree within float32 rounding.
   */
  readonly fused?: boolean;
}

type NamedTensor = { name: string; tensor: tf.Tensor };

/** The brand every SolverOptimizer carries, shared by every copy of this library in a process. */
const BRAND = Symbol.for('tfjs-solver.SolverOptimizer');

/**
 * A `tf.Optimizer` that owns detectron2-style parameter groups and applies one update rule to
 * each (SGD with momentum, Nesterov and weight decay; Adam; AdamW; Lion), each group
 * with its own LR and weight decay, clipping first.
 *
 * Why a real `tf.Optimizer`: `model.compile({ optimizer })` + `fit`/`fitDataset` use it unchanged,
 * and `model.save({ includeOptimizer })` carries its state. A step never waits on the device:
 * clipping coefficients, the skip decision and the statistics stay on the device; under the
 * `error` policy the step is skipped on the device and the error is raised by {@link settle}.
 * State is keyed by variable name; loading state made for other variables is an error naming them.
 * `iterations` counts every call, skipped steps included. It matches the schedules' interface:
 * `setLearningRates` / `baseLearningRates`.
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

  /**
   * True for a SolverOptimizer from any copy of this library, false for every other object
   * (tfjs's own optimizers included, which `tf.Optimizer`'s duck-typed check would accept).
   */
  public static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  private readonly opts: ResolvedOptimizerOptions;
  private readonly slots = new OptimizerSlots();
  private readonly covered: ReadonlySet<string>;
  private stats: StepStats | null = null;
  private savedIterations: NamedTensor | null = null;
  /** Per variable: the steps it was updated (rules that count steps), host and device. */
  private readonly counts: StepCounts;
  /** Saved variable name → current one, for state saved before a model was reloaded (fromConfig). */
  private renames = new Map<string, string>();
  /** The last GPU step's `[scale, apply, norm, clipped]`, from which lastStepStats slices on demand. */
  private summary: tf.Tensor | null = null;
  /** True when the skipped-steps total is element 4 of `summary`, newer than the counter (webgpu). */
  private totalInSummary = false;
  /** Under the `error` policy: 1 per variable whose gradient was not finite since the last settle. */
  private nonFiniteSeen: tf.Variable | null = null;

  /** @throws SolverError('argument') for an invalid option (see {@link SolverOptimizerOptions}). */
  public constructor(options: SolverOptimizerOptions) {
    super();
    Object.defineProperty(this, BRAND, { value: true });
    this.opts = resolveOptimizerOptions(options);
    this.covered = new Set(this.opts.groups.flatMap((g) => g.names));
    this.counts = new StepCounts([...this.covered], (n) => this.slots.get({ key: `${n}/step`, like: null }));
  }

  /** The update rule's name, e.g. `SGD`, `AdamW`, `Lion`. */
  public get algorithm(): string {
    return this.opts.algorithm;
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
    const summary = this.summary;
    if (this.stats === null && summary !== null) {
      // Sliced on first use only: a step that nobody reads the statistics of runs no program for them.
      const at = (i: number): tf.Scalar => tf.reshape<tf.Rank.R0>(tf.slice(summary, [i], [1]), []);
      const [gradNorm, clipped, skipped] = tf.tidy(() => [at(2), at(3), tf.sub<tf.Scalar>(1, at(1))].map((t) => tf.keep(t)));
      // The counter is brought up to date only when it is read (a step guard reads `skipped` only).
      const owner = (): tf.Variable<tf.Rank.R0> => this.skippedTotal();
      this.stats = Object.defineProperty({ gradNorm, clipped, skipped }, 'skippedTotal', { get: owner, enumerable: true }) as StepStats;
    }
    return this.stats;
  }

  /** The skipped-steps counter, brought up to date first when the last GPU step kept it in its summary. */
  private skippedTotal(): tf.Variable<tf.Rank.R0> {
    const total = this.slots.get({ key: SKIPPED_KEY, like: null }) as tf.Variable<tf.Rank.R0>;
    const summary = this.summary;
    if (this.totalInSummary && summary !== null) {
      tf.tidy(() => {
        total.assign(tf.reshape(tf.slice(summary, [4], [1]), []));
      });
    }
    this.totalInSummary = false;
    return total;
  }

  /**
   * Clips, then updates every group with the rule, in place. Synchronous, no device sync.
   * @throws SolverError('argument') for a gradient of a variable in no group.
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
    this.disposeStats();
    if ('summary' in next) {
      this.summary = tf.keep(next.summary);
      this.totalInSummary = next.folded;
    } else
      this.stats = {
        gradNorm: tf.keep(next.gradNorm),
        clipped: tf.keep(next.clipped),
        skipped: tf.keep(next.skipped),
        skippedTotal: this.skippedTotal(),
      };
    this.incrementIterations();
  }

  /**
   * Raises, after the step, the `error` policy's error: one asynchronous read of one flag per
   * variable, only under `nonFinite: 'error'` (otherwise it returns at once, reading nothing). The
   * fit callback and the Trainer await it after every step; in a custom loop, await it yourself
   * after `applyGradients`. The step itself never waits on the device.
   *
   * @param displayName how to print a variable name (e.g. a layer's `hidden1/kernel` for the
   *   unique `hidden1/kernel_1`). Default: the name itself.
   * @throws SolverError('nonFinite') naming every variable whose gradient held a NaN or an
   *   infinity since the last call (that step was not applied).
   */
  public async settle(displayName: (variableName: string) => string = (n) => n): Promise<void> {
    const seen = this.nonFiniteSeen;
    if (seen === null) return;
    const flags = await seen.data();
    if (!flags.some((f) => f !== 0)) return;
    tf.tidy(() => {
      seen.assign(tf.zerosLike(seen));
    });
    const names = [...this.covered];
    const bad = names.filter((_, i) => flags[i] !== 0).map(displayName);
    throw new SolverError(
      'nonFinite',
      `gradient of ${bad.map((n) => `'${n}'`).join(', ')} is not finite (NaN or Infinity); ` +
        `CLIP_GRADIENTS.NONFINITE is 'error', so the step was not applied`,
    );
  }

  /**
   * `[iterations, ...slots]`, each slot named `<variable>/<slot>` (see slotNames). Every returned
   * tensor stays owned by the optimizer (the iteration scalar until the next call or `dispose`):
   * do not dispose them. NOTE: `model.save` never disposes what it gets, so owning them avoids a leak.
   */
  public override async getWeights(): Promise<NamedTensor[]> {
    const slots = this.slotNames();
    this.counts.writeDevice(this.skippedTotal());
    this.savedIterations?.tensor.dispose();
    this.savedIterations = await this.saveIterations();
    return [this.savedIterations, ...slots.map((s) => ({ name: s.key, tensor: this.slots.get(s) }))];
  }

  /**
   * Loads state written by getWeights. State written before steps were counted per parameter
   * (one `<first variable>/step` per group) is converted: every variable of the group gets the
   * group's count, which is what that state meant.
   * @throws SolverError('state') naming slots that do not fit; nothing is changed then.
   */
  public override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const renamed = weightValues.slice(1).map((s) => ({ name: this.renamed(s.name), tensor: s.tensor }));
    const state = this.opts.rule.countsSteps ? convertGroupSteps(renamed, this.opts.groups) : renamed;
    validateState(state, this.slotNames());
    const rest = await this.extractIterations([weightValues[0] as NamedTensor, ...state]);
    this.totalInSummary = false;
    for (const { name, tensor } of rest) this.slots.set(name, tensor);
    if (this.opts.rule.countsSteps) await this.counts.read(this.skippedTotal());
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
    const { options, currentLrs, renames } = optionsFromConfig(config);
    const optimizer = new cls(options);
    (optimizer as unknown as SolverOptimizer).setLearningRates(currentLrs);
    (optimizer as unknown as SolverOptimizer).renames = renames;
    return optimizer;
  }

  /** Disposes the state variables and the last statistics. */
  public override dispose(): void {
    super.dispose();
    this.disposeStats();
    this.savedIterations?.tensor.dispose();
    this.savedIterations = null;
    this.nonFiniteSeen?.dispose();
    this.nonFiniteSeen = null;
    this.slots.dispose();
  }

  private slotNames(): ReturnType<typeof slotNames> {
    return slotNames(this.opts.rule.slots(this.opts.hyper), this.opts.groups);
  }

  private step(grads: tf.NamedTensorMap): StepClip['stats'] {
    const { rule, hyper, nonFinite } = this.opts;
    const backendName = tf.getBackend();
    const candidate = this.opts.fused && fusedKernelsReady(backendName) ? rule.fused[backendName] : undefined;
    const reduced = this.opts.reducer === null ? grads : this.opts.reducer.reduce(grads);
    if (nonFinite === 'error') this.recordNonFinite(reduced);
    const guard = nonFinite !== 'none';
    const gpu = candidate !== undefined && GPU_KERNEL_BACKENDS.includes(backendName);
    if (rule.countsSteps && guard && ![...this.covered].every((n) => reduced[n] !== undefined)) this.counts.uniform = false;
    // A rule that counts steps runs fused under a skip flag where the flag can be read without
    // waiting (cpu, wasm), or on a GPU while every parameter had a gradient in every step since
    // the host's counts were exact (the kernel corrects them on the device); otherwise its
    // plain-ops update keeps the device's own counts.
    const fusable = !(rule.countsSteps && guard && gpu && !this.counts.uniform);
    const bias = gpu && fusable && rule.countsSteps ? biasRequest(hyper, this.counts.next([...this.covered])) : undefined;
    const how = { countsSteps: rule.countsSteps, guard, gpu: gpu && fusable, known: this.counts.known, bias };
    const outcome = clipForStep(this.opts.clipper, reduced, how, this.totalInSummary ? this.summary : null, () => this.skippedTotal());
    const apply = outcome.control.apply;
    const fused = !fusable || (rule.countsSteps && apply !== null && !gpu && scalarInMemory(apply) === null) ? undefined : candidate;
    const update = fused ?? rule.update;
    // On cpu/wasm the flag is in memory already (not a device sync): the host's counts stay exact.
    const applied = !rule.countsSteps || fused === undefined || apply === null || gpu ? null : scalarInMemory(apply) !== 0;
    if (rule.countsSteps && fused === undefined) this.counts.writeDevice(this.skippedTotal());
    const newTotal = outcome.newTotal;
    const stepsExact =
      rule.countsSteps && apply !== null && newTotal !== null && applied === null ? tf.equal<tf.Scalar>(newTotal, this.counts.known) : null;
    const control: StepControl = { ...outcome.control, stepsExact };
    const slotSpecs = rule.slots(hyper);
    for (const group of this.opts.groups) {
      const names = group.names.filter((n) => outcome.grads[n] !== undefined);
      if (names.length === 0) continue;
      const steps = this.counts.next(names);
      // The fused updates keep no device step counts (the host's are exact): no slot for them.
      const specs = fused === undefined ? slotSpecs : slotSpecs.filter((s) => s.scalar !== true);
      const slots = specs.map((s) => names.map((n) => this.slots.get({ key: `${n}/${s.name}`, like: s.scalar === true ? null : n })));
      const tensors = { names, params: names.map(lookupVariable), grads: names.map((n) => outcome.grads[n] as tf.Tensor), slots, steps };
      update(tensors, { ...hyper, lr: group.lr, weightDecay: group.weightDecay }, control);
      if (rule.countsSteps && applied !== false) this.counts.advance(names, steps);
    }
    if (rule.countsSteps && fused !== undefined) this.counts.stale = true;
    if (applied === false) this.counts.known += 1;
    if (newTotal !== null) this.skippedTotal().assign(newTotal);
    return outcome.stats;
  }

  /** Under the `error` policy: marks, on the device, the variables whose gradient is not finite. */
  private recordNonFinite(grads: tf.NamedTensorMap): void {
    const names = [...this.covered];
    const bad = tf.stack(
      names.map((n) => (grads[n] === undefined ? tf.scalar(0) : tf.logicalNot(tf.all(tf.isFinite(grads[n]))).cast('float32'))),
    );
    if (this.nonFiniteSeen === null) this.nonFiniteSeen = tf.keep(tf.variable(tf.zerosLike(bad), false));
    this.nonFiniteSeen.assign(tf.maximum(this.nonFiniteSeen, bad));
  }

  /**
   * For rules that count steps per parameter (Adam, AdamW) on backends without fused kernels:
   * after a skipped step, the host's counts are ahead until this reads the device's back (one
   * asynchronous read of the skipped-steps counter, and of the counts only when it moved). Until
   * then those parameters' bias corrections use the device's count (exact) with a float32 power.
   * Not needed on cpu and wasm, where the host's counts are always exact.
   */
  public async syncStepCounts(): Promise<void> {
    if (!this.opts.rule.countsSteps) return;
    const [skipped] = await this.skippedTotal().data();
    await this.counts.sync(skipped ?? 0, this.skippedTotal());
  }

  /** A slot key `<saved variable>/<slot>` with the variable's current name. */
  private renamed(key: string): string {
    const cut = key.lastIndexOf('/');
    const to = cut < 0 ? undefined : this.renames.get(key.slice(0, cut));
    return to === undefined ? key : `${to}${key.slice(cut)}`;
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
    this.summary?.dispose();
    this.summary = null;
    if (this.stats === null) return;
    tf.dispose([this.stats.gradNorm, this.stats.clipped, this.stats.skipped]);
    this.stats = null;
  }
}

tf.serialization.registerClass(SolverOptimizer);

/**
 * Awaits {@link SolverOptimizer.settle} when `optimizer` is a SolverOptimizer (does nothing for
 * other optimizers): what the fit callback and the Trainer run after every step. With `model`,
 * errors name a layer's weights as the layer does (`hidden1/kernel`), not by the unique variable
 * name tfjs gave it (`hidden1/kernel_1`).
 *
 * @throws SolverError('nonFinite') under the `error` policy after a non-finite step.
 */
export async function settleOptimizer(optimizer: unknown, model?: tf.LayersModel): Promise<void> {
  if (!(optimizer instanceof SolverOptimizer)) return;
  const names = new Map((model?.weights ?? []).map((w) => [w.name, w.originalName]));
  await optimizer.settle((n) => names.get(n) ?? n);
}
