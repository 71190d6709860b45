import * as tf from '@tensorflow/tfjs';
import type { KernelFunc } from '@tensorflow/tfjs';
import type { SolverConfig } from '../config/schema.js';
import { SolverError } from '../errors.js';
import { adamRule, adamWRule } from './adam.js';
import type { KernelMemory } from './kernels/shared.js';
import type { WasmFunction } from './kernels/wasm.js';
import { lionRule } from './lion.js';
import { sgdRule } from './sgd.js';

/**
 * What every group update receives besides its tensors and hyperparameters.
 *
 * Contract for every update (plain ops or fused):
 * - It is the only place that writes variables: it `assign`s new values to params and slots.
 * - It never waits on the device (no `dataSync`/`arraySync`/`data`).
 * - It leaves no tensors behind except the variables' new values.
 * - `gradScale` (a scalar, or null for 1) multiplies every gradient before anything else: that is
 *   how a clip coefficient reaches the update without a sync.
 * - `apply` (a scalar 1 or 0, or null for 1): when 0, params and slots keep their old values
 *   exactly (a skipped step), decided on the device.
 * - `stepsExact` (a boolean scalar, or null for true): whether the host's step counts
 *   ({@link RuleGroupTensors.steps}) are exact. They are not when a step was skipped on the device
 *   and the optimizer has not read that back yet; a rule that uses the counts then takes the
 *   device's own count (a scalar slot) instead, decided on the device.
 */
export interface StepControl {
  readonly gradScale: tf.Scalar | null;
  readonly apply: tf.Scalar | null;
  readonly stepsExact?: tf.Scalar | null;
  /**
   * GPU fused updates only: `[scale, apply, …]` in one tensor (then `gradScale` and `apply` are
   * null), and for rules that count steps the skipped-steps total after this step with the total
   * the host's counts account for (the device corrects the counts when they differ); `total`
   * holds it at index `at`.
   */
  readonly summary?: tf.Tensor | null;
  readonly skipped?: { readonly total: tf.Tensor; readonly at: number; readonly known: number } | null;
}

/** Picks `next` where the step applies and `previous` where it is skipped (see {@link appliedSelector}). */
export type AppliedSelect = <T extends tf.Tensor>(next: T, previous: T) => T;

/**
 * A selector for one parameter's new values: `next` when the step applies, `previous` when it is
 * skipped, decided on the device.
 *
 * Why `where` and not `previous + apply·(next − previous)`: a skipped step must leave the old
 * values bit-identical even when `next` holds NaN (NaN · 0 is NaN), and an applied one must give
 * `next` bit for bit. Why the condition is built once per parameter at full shape (as
 * `cast(zerosLike(like) + apply, 'bool')`): `tf.where` with a scalar condition broadcasts it
 * through tfjs's generic tile, which on wasm costs about 130 ms per 1M floats against about 1 ms
 * for an `add`; a full-shape condition costs about 4 ms once and each `where` about 6 ms, and the
 * param and its slots share it. Call inside `tf.tidy`.
 *
 * @param apply a scalar 1 (apply) or 0 (skip), or null for always apply (then no condition is built).
 * @param like a tensor with the parameter's shape (the parameter itself).
 * @returns a function giving `next` itself when `apply` is null, else a new tensor.
 */
export function appliedSelector(apply: tf.Scalar | null, like: tf.Tensor): AppliedSelect {
  if (apply === null) return (next) => next;
  const condition = tf.cast(tf.add(tf.zerosLike(like), apply), 'bool');
  return <T extends tf.Tensor>(next: T, previous: T): T => tf.where(condition, next, previous);
}

/**
 * The `tf.Variable` registered under a unique name (the key of gradient maps).
 *
 * Why by name: the optimizer keys groups and state by name, so it can be rebuilt from a config
 * (fromConfig) and never mixes variables up by position.
 *
 * @param name a variable's unique name, e.g. `dense_1/kernel`.
 * @returns the variable.
 * @throws SolverError('state') when no variable has that name.
 */
export function lookupVariable(name: string): tf.Variable {
  const variable = tf.engine().registeredVariables[name];
  if (variable === undefined) {
    throw new SolverError('state', `variable '${name}' is not registered with tfjs (disposed, or its model not built)`);
  }
  return variable;
}

/**
 * The gradients `applyGradients` receives, as a map without missing entries.
 *
 * Why: `minimize` passes an array in variable order whose tensors may be absent for variables
 * the loss does not reach; custom loops pass a map. Both mean: update what has a gradient.
 *
 * @param gradients a map or `{name, tensor}` array.
 * @returns a new map holding the same tensors.
 */
export function toGradientMap(
  gradients: tf.NamedTensorMap | readonly { name: string; tensor: tf.Tensor | null | undefined }[],
): tf.NamedTensorMap {
  const entries: [string, tf.Tensor | null | undefined][] = Array.isArray(gradients)
    ? (gradients as readonly { name: string; tensor: tf.Tensor | null | undefined }[]).map((g) => [g.name, g.tensor])
    : Object.entries(gradients as tf.NamedTensorMap);
  return Object.fromEntries(entries.filter((e): e is [string, tf.Tensor] => e[1] !== null && e[1] !== undefined));
}

/** One slot a rule keeps per parameter: `<variable>/<name>`, shaped like the variable or a scalar. */
export interface SlotSpec {
  readonly name: string;
  readonly scalar?: boolean;
}

/**
 * One group's tensors for a rule's update: the parameters that have a gradient this step, their
 * gradients, and for each of the rule's slots (in {@link UpdateRule.slots} order) one variable
 * per parameter. `steps[i]` is the 1-based number of this step for parameter i as the host counts
 * it (steps where it had a gradient and was not skipped); see {@link StepControl.stepsExact}.
 */
export interface RuleGroupTensors {
  readonly names: readonly string[];
  readonly params: readonly tf.Variable[];
  readonly grads: readonly tf.Tensor[];
  readonly slots: readonly (readonly tf.Variable[])[];
  readonly steps: readonly number[];
}

/** What every rule's hyperparameters have per group: the group's current LR and weight decay. */
export interface GroupHyperparams {
  readonly lr: number;
  readonly weightDecay: number;
}

/** Applies one step of a rule to one group in place (see {@link StepControl} for the contract). */
export type GroupUpdate<H> = (group: RuleGroupTensors, hyper: H & GroupHyperparams, control: StepControl) => void;

/**
 * The rule-specific options the optimizer accepts, the union over all rules. Each rule reads the
 * ones it uses and ignores the others. `betas` null (or absent) means the rule's own default.
 */
export interface RuleOptions {
  readonly momentum?: number;
  readonly nesterov?: boolean;
  readonly betas?: readonly [number, number] | null;
  readonly eps?: number;
}

/** A fused kernel a rule registers for the backends whose memory JavaScript can address (cpu, wasm). */
export interface FusedKernel {
  readonly kernelName: string;
  readonly make: (memoryOf: (backend: unknown) => KernelMemory) => KernelFunc;
}

/**
 * An update rule (SGD, Adam, AdamW, Lion, …) as one plugin: its hyperparameters and the config
 * keys they come from, its slots, its plain-ops update, its optional fused updates per backend,
 * and how its hyperparameters are stored.
 *
 * To add a rule: write one module exporting an `UpdateRule` and add it to {@link updateRules}.
 * The optimizer finds it by `name` (`SOLVER.OPTIMIZER`, or the `algorithm` option).
 *
 * @typeParam H the rule's resolved hyperparameters (plain numbers and booleans: they are stored in
 *   the optimizer's config as they are).
 */
export interface UpdateRule<H extends object = object> {
  /** The name in `SOLVER.OPTIMIZER` and the optimizer's `algorithm` option. */
  readonly name: string;
  /**
   * Validates the options this rule reads and fills in its defaults.
   * @throws SolverError('argument') naming the option, echoing the value, stating the rule.
   */
  resolve(options: RuleOptions): H;
  /** The options a config's `SOLVER` section gives this rule (the keys it reads). */
  fromConfig(solver: SolverConfig['SOLVER']): RuleOptions;
  /** The slots kept per parameter with these hyperparameters, in the order updates receive them. */
  slots(hyper: H): readonly SlotSpec[];
  /** True when the rule counts steps per parameter (then it keeps a scalar `step` slot). */
  readonly countsSteps: boolean;
  /** The plain-ops update: any backend, the reference the fused updates must match. */
  readonly update: GroupUpdate<H>;
  /** Fused updates by backend name (`cpu`, `wasm`; a `webgl`/`webgpu` one can be added). */
  readonly fused: Readonly<Partial<Record<string, GroupUpdate<H>>>>;
  /** The kernels `fused` runs on the cpu and wasm backends, registered with registerFusedKernels. */
  readonly kernels: readonly FusedKernel[];
  /** The rule's SIMD functions, assembled into the one wasm module the cpu and wasm kernels use. */
  readonly wasmFunctions?: () => WasmFunction[];
}

/**
 * Every update rule the optimizer knows, in the order they are listed in errors.
 *
 * NOTE: a function (not a constant) so that modules importing each other in a cycle
 * (a rule imports this file for its types and helpers) never read a rule before it is defined.
 *
 * @returns the rules; adding a rule is one entry here.
 */
export function updateRules(): readonly UpdateRule[] {
  return [erase(sgdRule), erase(adamRule), erase(adamWRule), erase(lionRule)];
}

/** A rule seen through the registry's type (its hyperparameters become opaque objects). */
function erase<H extends object>(rule: UpdateRule<H>): UpdateRule {
  return rule as unknown as UpdateRule;
}

/**
 * The rule registered under `name`.
 *
 * @param name e.g. `SGD`, `AdamW`, `Lion`.
 * @param what how the caller names the setting in errors, e.g. `algorithm` or `SOLVER.OPTIMIZER`.
 * @throws SolverError('argument') for an unknown name, listing the known ones.
 */
export function ruleNamed(name: string, what = 'algorithm'): UpdateRule {
  const rule = updateRules().find((r) => r.name === name);
  if (rule === undefined) {
    const known = updateRules()
      .map((r) => r.name)
      .join(', ');
    throw new SolverError('argument', `${what}: got '${name}', expected one of ${known}`);
  }
  return rule;
}

/** One slot of optimizer state: its key in getWeights and the variable whose shape it has (null: scalar). */
export interface SlotName {
  readonly key: string;
  readonly like: string | null;
}

/** The key of the steps-skipped counter in the optimizer's state. */
export const SKIPPED_KEY = 'tfjs-solver/skipped_steps';

/**
 * Every slot the optimizer keeps, in getWeights order, keyed by variable name: for each group and
 * each of the rule's slots, `<var>/<slot>` for every variable of the group (e.g. SGD
 * `<var>/momentum`; Adam `<var>/m`, `<var>/v`, `<var>/step`); always the skipped-steps counter.
 *
 * @param slots the rule's slots.
 * @param groups the optimizer's groups (their variable names).
 * @returns the slots.
 */
export function slotNames(slots: readonly SlotSpec[], groups: readonly { readonly names: readonly string[] }[]): SlotName[] {
  const out: SlotName[] = [];
  for (const group of groups) {
    for (const slot of slots) {
      out.push(...group.names.map((n) => ({ key: `${n}/${slot.name}`, like: slot.scalar === true ? null : n })));
    }
  }
  out.push({ key: SKIPPED_KEY, like: null });
  return out;
}

/**
 * The optimizer's state variables, keyed by name (never by position).
 *
 * Why a class: it owns variables (created as zeros on first use, so momentum starts at zero
 * and Adam's step at 0) and must dispose them; everything else in the optimizer is data.
 */
export class OptimizerSlots {
  private readonly slots = new Map<string, tf.Variable>();

  /** The slot for `slot`, created as zeros shaped like its variable (or a scalar) on first use. */
  public get(slot: SlotName): tf.Variable {
    const existing = this.slots.get(slot.key);
    if (existing !== undefined) return existing;
    const created = tf.tidy(() => {
      const init = slot.like === null ? tf.scalar(0) : tf.zerosLike(lookupVariable(slot.like));
      return tf.variable(init, false);
    });
    this.slots.set(slot.key, created);
    return created;
  }

  /** Sets a slot's value; the slot shares `value`'s data, the caller keeps (and may dispose) `value`. */
  public set(key: string, value: tf.Tensor): void {
    const existing = this.slots.get(key);
    if (existing !== undefined) existing.assign(value);
    else this.slots.set(key, tf.variable(value, false));
  }

  /** Disposes every slot variable. */
  public dispose(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
  }
}

/**
 * Checks that saved optimizer state fits this optimizer: the same slot names (so the same
 * variable names) and, for per-variable slots, the variable's shape.
 *
 * Why: built-in tfjs optimizers restore by position, so state saved for another model silently
 * lands on the wrong variables; here it is an error naming what differs.
 *
 * @param state the saved slots, without the leading iteration count.
 * @param expected the slots this optimizer keeps.
 * @throws SolverError('state') naming the unknown and missing slots, or the slot whose shape differs.
 */
export function validateState(
  state: readonly { readonly name: string; readonly tensor: tf.Tensor }[],
  expected: readonly SlotName[],
): void {
  const given = new Set(state.map((s) => s.name));
  const wanted = new Map(expected.map((s) => [s.key, s]));
  const unknown = [...given].filter((n) => !wanted.has(n));
  const missing = [...wanted.keys()].filter((n) => !given.has(n));
  if (unknown.length > 0 || missing.length > 0) {
    throw new SolverError(
      'state',
      `optimizer state does not match this model's variables: in the state but not the model: ${list(unknown)}; ` +
        `in the model but not the state: ${list(missing)}`,
    );
  }
  for (const { name, tensor } of state) {
    const like = wanted.get(name)?.like ?? null;
    const shape = like === null ? [] : lookupVariable(like).shape;
    if (tensor.shape.join(',') !== shape.join(',')) {
      throw new SolverError('state', `optimizer state '${name}': got shape [${tensor.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
  }
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.map((n) => `'${n}'`).join(', ');
}
