import * as tf from '@tensorflow/tfjs';
import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { SolverError } from '../../errors.js';
import type { StepControl } from '../rule.js';
import type { SimdKernels, SimdStaging } from './wasm.js';

/**
 * Names of the fused kernels in tfjs's kernel registry. Prefixed so they cannot collide with
 * tfjs's own kernels or another library's.
 */
export const SGD_GROUP_KERNEL = 'TfjsSolverSgdGroup';
/** See {@link SGD_GROUP_KERNEL}. */
export const ADAM_GROUP_KERNEL = 'TfjsSolverAdamGroup';
/** See {@link SGD_GROUP_KERNEL}. */
export const GRAD_NORMS_KERNEL = 'TfjsSolverGradNorms';
/**
 * Name of the GPU step-control kernel: the global p-norm of all gradients and, in the same final
 * program, the clip scale `min(v / (norm + 1e-6), 1)`, the apply flag (1 when the norm is finite)
 * and `clipped`, as one tensor `[scale, apply, norm, clipped]`; with a skip policy also the new
 * skipped-steps total (a second, one-texel program).
 */
export const STEP_CONTROL_KERNEL = 'TfjsSolverStepControl';

/**
 * What a fused kernel needs from a backend that keeps tensors in CPU-addressable memory
 * (the `cpu` backend's typed arrays, the `wasm` backend's heap), so one kernel body serves both.
 *
 * Reading here is not a device sync: on these backends every op has already run when it returns,
 * and the values sit in memory this thread owns. Nothing goes through `dataSync`/`readSync`.
 */
export interface KernelMemory {
  /** The SIMD kernels bound to this memory, or null (cpu backend, or no wasm SIMD). */
  readonly simd: SimdKernels | null;
  /** For memory the SIMD kernels cannot address (cpu): a staging area to run them on copies, or null. */
  readonly staging: SimdStaging | null;
  /** A float32 view of a tensor's elements. Valid until the next allocation on this backend. */
  readonly view: (info: TensorInfo) => Float32Array;
  /** The byte offset of a tensor in the SIMD memory (only when `simd` is not null). */
  readonly offset: (info: TensorInfo) => number;
  /** The first element of a tensor (a scalar control value), whatever its dtype. */
  readonly scalar: (info: TensorInfo) => number;
  /**
   * Where the new value of `info` goes. On cpu, when the backend holds a single reference to the
   * buffer (only the variable itself), the kernel overwrites it: the returned info aliases it (one
   * more reference, as tfjs's Identity kernel does); otherwise a fresh buffer. On wasm always a
   * fresh buffer: its XNNPACK operators cache packed weights by tensor id (see wasmKernelMemory).
   */
  readonly updated: (info: TensorInfo) => TensorInfo;
  /** A new reference to `info`'s unchanged buffer (a skipped step). */
  readonly alias: (info: TensorInfo) => TensorInfo;
  /** A new tensor holding `values`. */
  readonly create: (shape: number[], dtype: 'float32' | 'int32', values: Float32Array | Int32Array) => TensorInfo;
}

/**
 * The `count` inputs named `prefix0 … prefix{count−1}` of a fused group kernel, in order.
 * Group kernels take one input per tensor (`p0, g0, b0, p1, …`) because tfjs kernels take a flat
 * map of named tensors.
 *
 * @throws SolverError('argument') naming the first missing input.
 */
export function groupInputs(inputs: NamedTensorInfoMap, prefix: string, count: number): TensorInfo[] {
  return Array.from({ length: count }, (_, i) => {
    const info = inputs[`${prefix}${i}`];
    if (info === undefined) {
      throw new SolverError(
        'argument',
        `fused kernel input ${prefix}${i}: missing, expected ${count} tensors named ${prefix}0..${prefix}${count - 1}`,
      );
    }
    return info;
  });
}

/**
 * The inputs of a fused group kernel: `extra` (the control scalars), then `prefix0 … prefix{n−1}`
 * for each named list, in order: the naming {@link groupInputs} reads back.
 *
 * NOTE: built by assignment into one object. An object spread of many such maps
 * (`{ ...a, ...b }` with a thousand keys) gives V8 an object the engine then reads slowly: a
 * 400-tensor SGD step on wasm took 27 ms instead of 5 (`npm run bench`).
 */
export function namedGroups(groups: Readonly<Record<string, readonly tf.Tensor[]>>, extra: tf.NamedTensorMap = {}): tf.NamedTensorMap {
  const inputs: tf.NamedTensorMap = {};
  for (const [name, tensor] of Object.entries(extra)) inputs[name] = tensor;
  for (const [prefix, tensors] of Object.entries(groups)) {
    tensors.forEach((t, i) => {
      inputs[`${prefix}${i}`] = t;
    });
  }
  return inputs;
}

/** Number of elements of a tensor. */
export function sizeOf(info: TensorInfo): number {
  return info.shape.reduce((a, b) => a * b, 1);
}

/**
 * Checks, before anything is written, that every tensor is float32 and that each companion list
 * (grads, slots) matches the params element for element in size: a mismatch would make a kernel
 * read past a buffer.
 *
 * @throws SolverError('argument') naming the kernel input and the sizes or dtype.
 */
export function checkGroup(params: readonly TensorInfo[], companions: Readonly<Record<string, readonly TensorInfo[]>>, lead = 'p'): void {
  const lists: [string, readonly TensorInfo[]][] = [[lead, params], ...Object.entries(companions)];
  for (const [prefix, list] of lists) {
    list.forEach((info, i) => {
      if (info.dtype !== 'float32') {
        throw new SolverError('argument', `fused kernel input ${prefix}${i}: got dtype ${info.dtype}, expected float32`);
      }
      const p = params[i];
      if (p !== undefined && sizeOf(info) !== sizeOf(p)) {
        throw new SolverError(
          'argument',
          `fused kernel input ${prefix}${i}: got shape [${info.shape.join(',')}], expected the size of ${lead}${i} [${p.shape.join(',')}]`,
        );
      }
    });
  }
}

/**
 * The tensors of a fused group kernel by slot: the `lead` list (`p`, the parameters, unless given)
 * and every slot marked true in `slots` (`count` each, read by {@link groupInputs}; a slot marked
 * false is an empty list), checked by {@link checkGroup} against the lead before anything is
 * written. E.g. `readGroup(inputs, n, { g: true, b: momentum !== 0 })`, or
 * `readGroup(inputs, n, {}, 'g')` for gradients alone.
 */
export function readGroup<S extends string, L extends string = 'p'>(
  inputs: NamedTensorInfoMap,
  count: number,
  slots: Readonly<Record<S, boolean>>,
  lead: L = 'p' as L,
): Record<L | S, TensorInfo[]> {
  const companions = {} as Record<S, TensorInfo[]>;
  for (const slot of Object.keys(slots) as S[]) companions[slot] = slots[slot] ? groupInputs(inputs, slot, count) : [];
  const first = groupInputs(inputs, lead, count);
  checkGroup(first, companions, lead);
  return { ...companions, [lead]: first } as Record<L | S, TensorInfo[]>;
}

/** The clip scale and the apply flag a cpu or wasm group kernel reads from its inputs (1 when absent). */
export function stepScalars(inputs: NamedTensorInfoMap, mem: KernelMemory): { readonly apply: number; readonly scale: number } {
  return {
    apply: inputs.apply === undefined ? 1 : mem.scalar(inputs.apply),
    scale: inputs.gradScale === undefined ? 1 : mem.scalar(inputs.gradScale),
  };
}

/**
 * Runs a fused group kernel on the active backend and assigns its outputs, in order, to
 * `targets`; then releases the outputs, so only the variables' values remain. When an output
 * aliases its variable's buffer (updated in place), `assign` just moves the reference.
 *
 * @throws SolverError('backend') when the kernel is not registered for the active backend.
 */
export function assignOutputs(kernelName: string, inputs: tf.NamedTensorMap, attrs: object, targets: readonly tf.Variable[]): void {
  const backendName = tf.getBackend();
  if ((tf.getKernel(kernelName, backendName) as tf.KernelConfig | undefined) === undefined) {
    throw new SolverError(
      'backend',
      `fused kernel ${kernelName}: not registered for backend '${backendName}'; call registerFusedKernels() and use the cpu or wasm backend`,
    );
  }
  const outputs = tf.engine().runKernel<tf.Tensor[]>(kernelName, inputs, attrs as tf.NamedAttrMap);
  targets.forEach((target, i) => {
    target.assign(outputs[i] as tf.Tensor);
  });
  tf.dispose(outputs);
}

/** The optional `gradScale` and `apply` inputs of a fused group kernel (absent means 1); on GPUs `control` and `skippedTotal`. */
export function controlInputs(control: StepControl): tf.NamedTensorMap {
  const inputs: tf.NamedTensorMap = {};
  if (control.gradScale !== null) {
    inputs.gradScale = control.gradScale;
  }
  if (control.apply !== null) {
    inputs.apply = control.apply;
  }
  if (control.summary !== undefined && control.summary !== null) {
    inputs.control = control.summary;
  }
  if (control.skipped !== undefined && control.skipped !== null) {
    inputs.skippedTotal = control.skipped.total;
  }
  return inputs;
}
