import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { SolverError } from '../../errors.js';
import { adamBiasCorrections, type AdamGroupAttrs } from '../adam.js';
import { LION_GROUP_KERNEL, type LionGroupAttrs } from '../lion.js';
import type { SgdGroupAttrs } from '../sgd.js';
import { gpuGradNormsKernel, gpuStepControlKernel } from './gradNorms.js';
import { adamMulti, lionMulti, type MultiRunner, type MultiUpdate, sgdMulti } from './gpuMulti.js';
import { ADAM_GROUP_KERNEL, GRAD_NORMS_KERNEL, readGroup, SGD_GROUP_KERNEL, STEP_CONTROL_KERNEL } from './shared.js';
import { webglPrograms } from './webgl.js';
import { webgpuPrograms } from './webgpu.js';

/**
 * The fused optimizer kernels for GPU backends (`webgl`, `webgpu`), written once against
 * {@link GpuPrograms}: each backend module supplies the shader programs, this module decides
 * which programs a group update or a norm needs and in what order.
 *
 * Why programs and not memory: on a GPU backend the tensors live in textures or GPU buffers that
 * JavaScript cannot address, and reading them back would wait on the device. The fused update is
 * one elementwise program per parameter writing the new parameter and its new slots together
 * (gpuMulti.ts), or, where that cannot run, one per output tensor; either reads the clip
 * coefficient and the skip flag from the device itself. The norm is a two-level reduction over
 * all gradients at once. Nothing here waits on the device.
 */

/**
 * The tensors one elementwise update program reads. The clip scale and the apply flag come as one
 * optional `control` tensor `[scale, apply, …]` (what {@link STEP_CONTROL_KERNEL} makes, one
 * texel on webgl). `total` (Adam under a skip policy): the skipped-steps total after this step,
 * from which the program corrects the host's step count when a skipped step has not been read back yet.
 */
export interface UpdateInputs {
  readonly p: TensorInfo;
  readonly g: TensorInfo;
  /** SGD: the momentum buffer (absent when momentum is 0). */
  readonly b?: TensorInfo;
  /** Adam: first and second moments; Lion: its momentum (`m`). */
  readonly m?: TensorInfo;
  readonly v?: TensorInfo;
  readonly control?: TensorInfo;
  readonly total?: TensorInfo;
}

/** The optional control inputs of an update program (see {@link UpdateInputs}). */
export type ControlInputs = Pick<UpdateInputs, 'control' | 'total'>;

/**
 * Attributes of {@link STEP_CONTROL_KERNEL}: `count` gradients `g_i`, the norm's `p`, the clip
 * bound `clipValue` (0: no clipping, scale 1) and `guard` (true: apply = finite, and input
 * `total`, the skipped-steps total, gives a second output, the total after this step).
 */
export interface StepControlAttrs {
  readonly count: number;
  readonly p: number;
  readonly clipValue: number;
  readonly guard: boolean;
  /** Where input `total` holds the old total: 0 (the counter itself) or 4 (a previous control tensor). */
  readonly totalAt: number;
  /**
   * With `guard` and the total folded: `[β1, β2, t, known, bc1, ib]`, and the control tensor also
   * holds Adam's bias corrections for step t (see {@link GpuPrograms.finishControl}).
   */
  readonly bias?: readonly number[];
}

/** Which tensor an update program writes; `pb`: the parameter from the new buffer (input `b`), plain momentum. */
export type SgdTarget = 'p' | 'b' | 'pb';
/** See {@link SgdTarget}. */
export type LionTarget = 'p' | 'm';
/** See {@link SgdTarget}. */
export type AdamTarget = 'p' | 'm' | 'v';

/**
 * Adam's numbers for one parameter as a GPU program receives them (float32 uniforms), PyTorch's
 * bias corrections folded in on the host in float64 from the parameter's own step number `t`:
 * `stepSize = lr / (1 − β1^t)`, `invSqrtBc2 = 1 / √(1 − β2^t)`, `decayMul = 1 − lr·λ` (AdamW, else
 * 1), `coupledWd = λ` (Adam, else 0).
 */
export interface AdamUniforms {
  readonly beta1: number;
  readonly oneMinusBeta1: number;
  readonly beta2: number;
  readonly oneMinusBeta2: number;
  readonly eps: number;
  readonly decayMul: number;
  readonly coupledWd: number;
  readonly stepSize: number;
  readonly invSqrtBc2: number;
  /** For the device's fallback when skipped steps are not yet known to the host (see {@link UpdateInputs}). */
  readonly lr: number;
  /** The host's step number (every step assumed applied). */
  readonly tHost: number;
  /** The skipped-steps total the host's step numbers account for. */
  readonly knownSkipped: number;
  /** Where input `total` holds the total: 0, or 4 in a control tensor (see {@link GpuPrograms.foldsTotal}). */
  readonly totalAt: number;
}

/** The names of {@link AdamUniforms} in the order both GPU backends declare them. */
export const ADAM_UNIFORM_NAMES: readonly (keyof AdamUniforms)[] = [
  'beta1',
  'oneMinusBeta1',
  'beta2',
  'oneMinusBeta2',
  'eps',
  'decayMul',
  'coupledWd',
  'stepSize',
  'invSqrtBc2',
  'lr',
  'tHost',
  'knownSkipped',
  'totalAt',
];

/** Lion's per-group numbers as a GPU program receives them, computed in float64. */
export interface LionUniforms {
  readonly lr: number;
  readonly beta1: number;
  readonly oneMinusBeta1: number;
  readonly beta2: number;
  readonly oneMinusBeta2: number;
  readonly decayMul: number;
}

/** The names of {@link LionUniforms} in the order both GPU backends declare them. */
export const LION_UNIFORM_NAMES: readonly (keyof LionUniforms)[] = ['lr', 'beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'decayMul'];

/**
 * One level of the norm reduction: `first` reads gradients (terms |x|^p, or |x| for p = ∞),
 * later levels read partial sums (terms x). Sums for finite p, max (NaN-propagating) for p = ∞.
 * `flat` (a global norm's first level): the tensors are one range cut into equal chunks, so every
 * invocation does the same work whatever the tensors' sizes.
 */
export interface ReduceMode {
  readonly p: number;
  readonly first: boolean;
  readonly flat?: boolean;
}

/** The old skipped total a partials program may carry to finishControl: `tensor[at]` (webgl). */
export interface Carry {
  readonly tensor: TensorInfo;
  readonly at: number;
}

/** The shader programs one GPU backend provides. Each call runs one program and returns its output. */
export interface GpuPrograms {
  /** The most tensors one reduction program may read (texture units or storage bindings). */
  readonly maxInputs: number;
  /** Runs an update that writes the parameter and its slots in one program (null: not on this backend). */
  readonly multi: MultiRunner | null;
  /** SGD (PyTorch's, dampening 0) for one tensor: writes the new `target`. */
  sgd(target: SgdTarget, inputs: UpdateInputs, attrs: SgdGroupAttrs): TensorInfo;
  /**
   * Adam/AdamW for one tensor: writes the new `target`; for `p`, inputs `m` and `v` are the new
   * moments, and with `bias` the bias corrections come from the control tensor (see finishControl).
   */
  adam(target: AdamTarget, inputs: UpdateInputs, uniforms: AdamUniforms, bias?: boolean): TensorInfo;
  /** Lion for one tensor: writes the new `target`. */
  lion(target: LionTarget, inputs: UpdateInputs, uniforms: LionUniforms): TensorInfo;
  /**
   * Partial reductions of `xs` (at most maxInputs): output `[xs.length, blocks]`, entry (t, j)
   * reducing elements `[j·chunk, (j+1)·chunk)` of `xs[t]` (fewer at the end, 0 past it). With
   * `mode.flat`, entry j reduces units `[j·chunk, (j+1)·chunk)` of all `xs` in order, in a tensor of
   * any shape whose other entries are 0, except the last one, which holds the carried total if any.
   */
  partials(xs: readonly TensorInfo[], mode: ReduceMode, chunk: number, blocks: number, carry?: Carry): TensorInfo;
  /** How many items (values, or texels of four) the partials program iterates over for `x`. */
  units(x: TensorInfo, mode: ReduceMode): number;
  /** Reduces a `[k, blocks]` tensor of partials and takes the p-th root: a scalar (global) or one per row `[k]`. */
  finish(parts: TensorInfo, p: number, global: boolean): TensorInfo;
  /**
   * Whether finishControl can also write the new skipped total (element 4 of the control tensor)
   * for `count` gradients: webgpu always (any buffer can be read); webgl when one partials program
   * reads them all and carries the old total in an extra row of its output (the control tensor is
   * packed for the update programs and cannot be read unpacked without a program). Otherwise
   * addSkipped writes it.
   */
  foldsTotal(count: number): boolean;
  /**
   * Reduces partials to the global norm and derives `[scale, apply, norm, clipped]` (see
   * {@link StepControlAttrs}); with `total` (foldsTotal), element 4 is the new skipped total, and
   * with `bias` the bias corrections `1/(1 − β1^t')`, `1/√(1 − β2^t')` for `t' = t − (total − known)`
   * (the host's values when equal) follow: lanes z, w of texel 0 (webgl), elements 5, 6 (webgpu).
   */
  finishControl(parts: TensorInfo, attrs: StepControlAttrs, total?: TensorInfo): TensorInfo;
  /** `total + (1 − apply)`: the skipped-steps total after a step with control `control`. */
  addSkipped(total: TensorInfo, control: TensorInfo): TensorInfo;
  /**
   * Puts the control inputs in the form the update programs read best, once per kernel call
   * (webgl: packed textures); `release` frees whatever it made.
   */
  prepareControls(control: ControlInputs): { control: ControlInputs; release: () => void };
  /** Releases an intermediate result. */
  dispose(info: TensorInfo): void;
  /** Concatenates 1-D results (tfjs's own Concat kernel of the backend). */
  concat(parts: readonly TensorInfo[]): TensorInfo;
}

/** The uniforms of one parameter's Adam/AdamW update at its step number `t` (1-based), in float64. */
export function adamUniforms(a: AdamGroupAttrs & { readonly knownSkipped?: number; readonly totalAt?: number }, t: number): AdamUniforms {
  const { stepSize, bc2Sqrt } = adamBiasCorrections(a, t);
  return {
    beta1: a.beta1,
    oneMinusBeta1: 1 - a.beta1,
    beta2: a.beta2,
    oneMinusBeta2: 1 - a.beta2,
    eps: a.eps,
    decayMul: a.decoupled ? 1 - a.lr * a.weightDecay : 1,
    coupledWd: a.decoupled ? 0 : a.weightDecay,
    stepSize,
    invSqrtBc2: 1 / bc2Sqrt,
    lr: a.lr,
    tHost: t,
    knownSkipped: a.knownSkipped ?? 0,
    totalAt: a.totalAt ?? 0,
  };
}

/**
 * Whether the update kernels write a parameter and its slots in one program where they can. A seam
 * for tests, which turn it off to compare with one program per output.
 */
export const gpuMultiOutput = { enabled: true };

/** The outputs of `update` from one program, or null: then one program per output. */
function runMulti(gpu: GpuPrograms, update: MultiUpdate | null): TensorInfo[] | null {
  if (update === null || gpu.multi === null || !gpuMultiOutput.enabled) return null;
  return gpu.multi(update);
}

function controls(inputs: NamedTensorInfoMap): ControlInputs {
  return {
    ...(inputs.control === undefined ? {} : { control: inputs.control }),
    ...(inputs.skippedTotal === undefined ? {} : { total: inputs.skippedTotal }),
  };
}

/** The fused SGD group kernel on a GPU backend: one program per parameter, writing its momentum buffer too (else one program each). */
export function gpuSgdKernel(programsOf: (backend: unknown) => GpuPrograms): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as SgdGroupAttrs & NamedAttrMap;
    const gpu = programsOf(backend);
    const { p: ps, g: gs, b: bs } = readGroup(inputs, a.count, { g: true, b: a.momentum !== 0 });
    const prepared = gpu.prepareControls(controls(inputs));
    const control = prepared.control;
    const each = (i: number): UpdateInputs => {
      const b = bs[i];
      return { p: ps[i] as TensorInfo, g: gs[i] as TensorInfo, ...(b === undefined ? {} : { b }), ...control };
    };
    // Plain momentum: the parameter's program reads the new buffer (one input and the buffer's math less).
    const fromBuffer = bs.length > 0 && !a.nesterov;
    const bOuts: TensorInfo[] = [];
    const pOuts = ps.map((_, i) => {
      if (bs[i] === undefined) return gpu.sgd('p', each(i), a);
      const both = runMulti(gpu, sgdMulti(each(i), a));
      if (both !== null) {
        bOuts.push(both[1] as TensorInfo);
        return both[0] as TensorInfo;
      }
      const b = gpu.sgd('b', each(i), a);
      bOuts.push(b);
      return fromBuffer ? gpu.sgd('pb', { ...each(i), b }, a) : gpu.sgd('p', each(i), a);
    });
    prepared.release();
    return [...pOuts, ...bOuts];
  };
}

/**
 * The fused Adam/AdamW group kernel on a GPU backend: one program per parameter writing p, m, v
 * (else one program each). Inputs
 * `p_i, g_i, m_i, v_i`; attribute `steps[i]` is parameter i's step number as the optimizer counts
 * it (the bias corrections are computed from it on the host, in float64).
 */
export function gpuAdamKernel(programsOf: (backend: unknown) => GpuPrograms): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as AdamGroupAttrs & NamedAttrMap & { readonly biasStep?: number };
    const gpu = programsOf(backend);
    const { p: ps, g: gs, m: ms, v: vs } = readGroup(inputs, a.count, { g: true, m: true, v: true });
    const prepared = gpu.prepareControls(controls(inputs));
    const each = (i: number): UpdateInputs => ({ p: ps[i] as TensorInfo, g: gs[i] as TensorInfo, m: ms[i], v: vs[i], ...prepared.control });
    const uniforms = ps.map((_, i) => adamUniforms(a, a.steps[i] ?? 1));
    const u = (i: number): AdamUniforms => uniforms[i] as AdamUniforms;
    // The control tensor holds the bias corrections of step `biasStep` (one texel read, no powers per element).
    const bias = (i: number): boolean => (a.biasStep ?? 0) > 0 && a.steps[i] === a.biasStep && inputs.control !== undefined;
    // Parameter by parameter (consecutive programs share bound inputs); the parameter's program
    // reads the new moments (what the step applies, or the old ones when skipped).
    const outs = ps.map((_, i) => {
      const all = runMulti(gpu, adamMulti(each(i), u(i), bias(i)));
      if (all !== null) return { p: all[0] as TensorInfo, m: all[1] as TensorInfo, v: all[2] as TensorInfo };
      const m = gpu.adam('m', each(i), u(i));
      const v = gpu.adam('v', each(i), u(i));
      return { m, v, p: gpu.adam('p', { ...each(i), m, v }, u(i), bias(i)) };
    });
    const [pOuts, mOuts, vOuts] = [outs.map((o) => o.p), outs.map((o) => o.m), outs.map((o) => o.v)];
    prepared.release();
    return [...pOuts, ...mOuts, ...vOuts];
  };
}

/**
 * The fused Lion group kernel on a GPU backend (`c = β1·m + (1−β1)·s·g; p ← (1 − lr·λ)·p − lr·sign(c);
 * m ← β2·m + (1−β2)·s·g`): one program per parameter writing both (else one program each).
 */
export function gpuLionKernel(programsOf: (backend: unknown) => GpuPrograms): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as LionGroupAttrs & NamedAttrMap;
    const gpu = programsOf(backend);
    const { p: ps, g: gs, m: ms } = readGroup(inputs, a.count, { g: true, m: true });
    const prepared = gpu.prepareControls(controls(inputs));
    const uniforms: LionUniforms = {
      lr: a.lr,
      beta1: a.beta1,
      oneMinusBeta1: 1 - a.beta1,
      beta2: a.beta2,
      oneMinusBeta2: 1 - a.beta2,
      decayMul: 1 - a.lr * a.weightDecay,
    };
    const each = (i: number): UpdateInputs => ({
      p: ps[i] as TensorInfo,
      g: gs[i] as TensorInfo,
      m: ms[i],
      ...prepared.control,
    });
    const outs = ps.map((_, i) => {
      const both = runMulti(gpu, lionMulti(each(i), uniforms));
      return both !== null
        ? ([both[0] as TensorInfo, both[1] as TensorInfo] as const)
        : ([gpu.lion('p', each(i), uniforms), gpu.lion('m', each(i), uniforms)] as const);
    });
    prepared.release();
    return [...outs.map((o) => o[0]), ...outs.map((o) => o[1])];
  };
}

/** The kernels one GPU backend gets, by name. */
export function gpuKernels(programsOf: (backend: unknown) => GpuPrograms): [string, KernelFunc][] {
  return [
    [SGD_GROUP_KERNEL, gpuSgdKernel(programsOf)],
    [ADAM_GROUP_KERNEL, gpuAdamKernel(programsOf)],
    [LION_GROUP_KERNEL, gpuLionKernel(programsOf)],
    [GRAD_NORMS_KERNEL, gpuGradNormsKernel(programsOf)],
    [STEP_CONTROL_KERNEL, gpuStepControlKernel(programsOf)],
  ];
}

/**
 * Registers the fused kernels for one GPU backend name; kernels already registered are
 * left alone. Registering for a backend that is not loaded is harmless (the registry is keyed by name).
 *
 * @returns the number of kernels newly registered.
 */
export function registerGpuKernelsFor(backendName: string, programsOf: (backend: unknown) => GpuPrograms): number {
  let added = 0;
  for (const [kernelName, kernelFunc] of gpuKernels(programsOf)) {
    if ((tf.getKernel(kernelName, backendName) as KernelConfig | undefined) === undefined) {
      tf.registerKernel({ kernelName, backendName, kernelFunc });
      added += 1;
    }
  }
  return added;
}

/** The GPU backends the fused kernels exist for. */
export const GPU_KERNEL_BACKENDS: readonly string[] = ['webgl', 'webgpu'];

/**
 * Registers the fused SGD, Adam, Lion, p-norm and step-control kernels for the `webgl` and `webgpu` backends in
 * tfjs's kernel registry. Explicit, like the cpu/wasm registration: importing the library
 * registers nothing. Idempotent and cheap once done.
 *
 * @returns the number of kernels newly registered (0 when all were there).
 * @example
 * ```ts
 * registerGpuKernels();
 * await tf.setBackend('webgl');
 * ```
 */
export function registerGpuKernels(): number {
  return registerGpuKernelsFor('webgl', webglPrograms) + registerGpuKernelsFor('webgpu', webgpuPrograms);
}

/**
 * Concatenates 1-D tensors with the backend's own registered `Concat` kernel (looked up in
 * tfjs's registry, so no backend package is imported here).
 */
export function concatWith(backend: unknown, backendName: string, parts: readonly TensorInfo[]): TensorInfo {
  const config = tf.getKernel('Concat', backendName) as tf.KernelConfig | undefined;
  if (config === undefined) {
    throw new SolverError('backend', `fused GPU kernels: no Concat kernel registered for backend '${backendName}'`);
  }
  // tfjs's Concat kernels take their inputs as an array.
  const inputs = [...parts] as unknown as tf.NamedTensorInfoMap;
  const out = config.kernelFunc({ inputs, backend: backend as tf.KernelBackend, attrs: { axis: 0 } });
  return (Array.isArray(out) ? out[0] : out) as TensorInfo;
}
