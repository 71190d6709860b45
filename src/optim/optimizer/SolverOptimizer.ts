import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../errors/index.js';
import type { StepControl } from '../updates/GroupUpdate.js';
import type { OptimizerGroup } from './OptimizerGroup.js';
import { optimizerConfig, optionsFromConfig } from './optimizerConfig.js';
import { OptimizerSlots } from './OptimizerSlots.js';
import { resolveOptimizerOptions, type ResolvedOptimizerOptions } from './resolveOptimizerOptions.js';
import { SKIPPED_KEY, slotNames } from './slotNames.js';
import type { SolverOptimizerOptions } from './SolverOptimizerOptions.js';
import type { StepStats } from './StepStats.js';
import { toGradientMap } from './toGradientMap.js';
import { updateGroup } from './updateGroup.js';
import { validateState } from './validateState.js';

type NamedTensor = { name: string; tensor: tf.Tensor };

/**
 * A `tf.Optimizer` that owns detectron2-style parameter groups: SGD (momentum, Nesterov, weight
 * decay; SPEC §5), Adam or AdamW, each group with its own LR and weight decay, clipping first.
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
      throw new SolverError('argument', `gradient for variable(s) ${stray.map((n) => `'${n}'`).join(', ')} that belong to no parameter group`);
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
      throw new SolverError('argument', `${what}: got [${values.join(', ')}], expected ${groups.length} finite numbers >= 0, one per group`);
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
