import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../errors.js';
import { adamGroupUpdateOps, fusedAdamGroupUpdate } from './adam.js';
import { GPU_KERNEL_BACKENDS, registerGpuKernels } from './kernels/gpu.js';
import { FUSED_KERNEL_BACKENDS, registerFusedKernels } from './kernels/registry.js';
import { fusedSgdGroupUpdate, sgdGroupUpdateOps } from './sgd.js';
import type { OptimizerAlgorithm, OptimizerGroup, ResolvedOptimizerOptions } from './SolverOptimizer.js';

/**
 * The seam between the optimizer shell and the arithmetic of one parameter group's update.
 *
 * Why a seam: the optimizer (`tf.Optimizer` subclass) decides *what* to update and with which
 * hyperparameters; a `GroupUpdate` implementation decides *how* the bytes move. The plain-ops
 * implementation works on every backend; fused kernels (one pass over param, grad and slots)
 * can replace it on backends that have them, and both must give the same numbers.
 *
 * Contract for every implementation:
 * - It is the only place that writes variables: it `assign`s new values to `params` and slots.
 * - It never waits on the device (no `dataSync`/`arraySync`/`data`).
 * - It leaves no tensors behind except the variables' new values.
 * - `control.gradScale` (a scalar, or null for 1) multiplies every gradient before anything
 *   else: that is how a clip coefficient reaches the update without a sync.
 * - `control.apply` (a scalar 1 or 0, or null for 1): when 0, params and slots keep their old
 *   values exactly (a skipped step), decided on the device.
 */
export interface StepControl {
  readonly gradScale: tf.Scalar | null;
  readonly apply: tf.Scalar | null;
}

/** SGD hyperparameters of one group, PyTorch's definition (SPEC §5), dampening 0. */
export interface SgdHyperparams {
  readonly lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
}

/**
 * One group's tensors for SGD. `buffers[i]` is the momentum buffer of `params[i]`, created as
 * zeros (then `b ← μ·0 + g = g` on the first step, exactly PyTorch's `b ← g`); empty when
 * momentum is 0.
 */
export interface SgdGroupTensors {
  readonly params: readonly tf.Variable[];
  readonly grads: readonly tf.Tensor[];
  readonly buffers: readonly tf.Variable[];
}

/** Applies one SGD step to one group in place (see {@link StepControl} for the contract). */
export type SgdGroupUpdate = (group: SgdGroupTensors, hyper: SgdHyperparams, control: StepControl) => void;

/**
 * Adam/AdamW hyperparameters of one group, PyTorch's definition. `decoupled` true is AdamW
 * (`p ← p·(1 − lr·λ)`), false is Adam (`g ← g + λp`).
 */
export interface AdamHyperparams {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
}

/**
 * One group's tensors for Adam/AdamW. `step` is a scalar variable counting the updates applied
 * to this group so far; the update increments it by `apply` (so a skipped step does not count)
 * and uses the incremented value for bias correction.
 */
export interface AdamGroupTensors {
  readonly params: readonly tf.Variable[];
  readonly grads: readonly tf.Tensor[];
  readonly m: readonly tf.Variable[];
  readonly v: readonly tf.Variable[];
  readonly step: tf.Variable;
}

/** Applies one Adam/AdamW step to one group in place (see {@link StepControl} for the contract). */
export type AdamGroupUpdate = (group: AdamGroupTensors, hyper: AdamHyperparams, control: StepControl) => void;

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
 * The `tf.Variable` registered under a unique name (the key of gradient maps, NOTES §2.5).
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

/** One slot of optimizer state: its key in getWeights and the variable whose shape it has (null: scalar). */
export interface SlotName {
  readonly key: string;
  readonly like: string | null;
}

/** The key of the steps-skipped counter in the optimizer's state. */
export const SKIPPED_KEY = 'tfjs-solver/skipped_steps';

/**
 * Every slot the optimizer keeps, in getWeights order, keyed by variable name: SGD
 * `<var>/momentum` (when momentum ≠ 0); Adam/AdamW `<var>/m`, `<var>/v` and one
 * `<first var of the group>/step` per group; always the skipped-steps counter.
 *
 * @param algorithm the update rule.
 * @param groups the optimizer's groups.
 * @param momentum SGD momentum.
 * @returns the slots.
 */
export function slotNames(algorithm: OptimizerAlgorithm, groups: readonly OptimizerGroup[], momentum: number): SlotName[] {
  const slots: SlotName[] = [];
  for (const group of groups) {
    if (algorithm === 'SGD') {
      if (momentum !== 0) slots.push(...group.names.map((n) => ({ key: `${n}/momentum`, like: n })));
      continue;
    }
    slots.push(...group.names.map((n) => ({ key: `${n}/m`, like: n })));
    slots.push(...group.names.map((n) => ({ key: `${n}/v`, like: n })));
    const first = group.names[0];
    if (first !== undefined) slots.push({ key: `${first}/step`, like: null });
  }
  slots.push({ key: SKIPPED_KEY, like: null });
  return slots;
}

/**
 * The optimizer's state variables, keyed by name (never by position, NOTES §0.4).
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
 * lands on the wrong variables (NOTES §5.5); here it is an error naming what differs.
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

/** The SGD and Adam update implementations the optimizer uses on one backend. */
export interface GroupUpdates {
  readonly sgd: SgdGroupUpdate;
  readonly adam: AdamGroupUpdate;
}

/**
 * Picks the group-update implementations for a backend: the one place where fused kernels
 * replace the plain-ops updates (both give the same numbers within float32 rounding; see
 * test/optim/kernels/fusedVsOps.spec.ts).
 *
 * Why per backend: the fused kernels read and write tensor memory directly, which only the `cpu`
 * (JavaScript typed arrays) and `wasm` (the wasm heap) backends allow; `tensorflow`, `webgl`,
 * `webgpu` keep the plain ops. On cpu and wasm it registers the fused kernels first (idempotent,
 * a few map lookups), so nothing is registered merely by importing the library.
 *
 * @param backendName `tf.getBackend()` at the time of the step, e.g. `cpu`, `wasm`.
 * @returns the fused updates on `cpu` and `wasm`, the plain-ops updates elsewhere.
 * @example
 * ```ts
 * const { sgd } = selectGroupUpdates(tf.getBackend());
 * ```
 */
export function selectGroupUpdates(backendName: string): GroupUpdates {
  if (FUSED_KERNEL_BACKENDS.includes(backendName)) {
    registerFusedKernels();
    return { sgd: fusedSgdGroupUpdate, adam: fusedAdamGroupUpdate };
  }
  if (GPU_KERNEL_BACKENDS.includes(backendName)) {
    registerGpuKernels();
    return { sgd: fusedSgdGroupUpdate, adam: fusedAdamGroupUpdate };
  }
  return { sgd: sgdGroupUpdateOps, adam: adamGroupUpdateOps };
}

/**
 * Runs one group's update through the GroupUpdate seam: the group's variables that have a
 * gradient this step, their slots (created as zeros on first use), the group's current LR and
 * weight decay. Call inside `tf.tidy`.
 *
 * @param group the group, with its current hyperparameters.
 * @param grads the (clipped) gradients by variable name.
 * @param control the clip scale and the on-device apply flag.
 * @param updates the implementations for the active backend.
 * @param opts the optimizer's options (rule, momentum, betas, eps).
 * @param slots the optimizer's state variables.
 */
export function updateGroup(
  group: OptimizerGroup,
  grads: tf.NamedTensorMap,
  control: StepControl,
  updates: GroupUpdates,
  opts: ResolvedOptimizerOptions,
  slots: OptimizerSlots,
): void {
  const names = group.names.filter((n) => grads[n] !== undefined);
  if (names.length === 0) return;
  const params = names.map(lookupVariable);
  const g = names.map((n) => grads[n] as tf.Tensor);
  const { momentum, nesterov, betas, eps, algorithm } = opts;
  if (algorithm === 'SGD') {
    const buffers = momentum === 0 ? [] : names.map((n) => slots.get({ key: `${n}/momentum`, like: n }));
    updates.sgd({ params, grads: g, buffers }, { lr: group.lr, momentum, nesterov, weightDecay: group.weightDecay }, control);
    return;
  }
  const m = names.map((n) => slots.get({ key: `${n}/m`, like: n }));
  const v = names.map((n) => slots.get({ key: `${n}/v`, like: n }));
  const step = slots.get({ key: `${group.names[0] ?? ''}/step`, like: null });
  const hyper = { lr: group.lr, beta1: betas[0], beta2: betas[1], eps, weightDecay: group.weightDecay, decoupled: algorithm === 'AdamW' };
  updates.adam({ params, grads: g, m, v, step }, hyper, control);
}
