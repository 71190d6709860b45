import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { assignOutputs, checkGroup, groupInputs, type KernelMemory, sizeOf } from './shared.js';
import { FUSED_KERNEL_BACKENDS, fusedKernelsReady } from './registry.js';

/** The name of the fused weight-average kernel in tfjs's kernel registry. */
export const EMA_KERNEL = 'TfjsSolverEma';

/** Attributes of the {@link EMA_KERNEL} kernel. */
interface EmaAttrs {
  /** Number of (average, variable) pairs: inputs `s0…`, `v0…`. */
  readonly count: number;
  /** Weight of the old average, in [0, 1). */
  readonly decay: number;
}

/** True when every element of `values` is finite. */
function allFinite(values: Float32Array): boolean {
  for (const value of values) if (!Number.isFinite(value)) return false;
  return true;
}

/**
 * The fused moving average for the `cpu` and `wasm` backends: for each pair, one pass checks the
 * variable is finite, one pass computes `decay · s + (1 − decay) · v` into a new tensor; a variable
 * with a non-finite element keeps its average unchanged (a new reference to the same buffer).
 * The plain ops of `WeightEma` do the same on other backends, in about ten kernels per variable.
 */
export function emaKernel(memoryOf: (backend: unknown) => KernelMemory): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as EmaAttrs & NamedAttrMap;
    const mem = memoryOf(backend);
    const shadows = groupInputs(inputs, 's', a.count);
    const variables = groupInputs(inputs, 'v', a.count);
    checkGroup(shadows, { v: variables });
    const keep: number = a.decay;
    const take: number = 1 - a.decay;
    // Always a new buffer, never in place: an average's first buffer can be an array the user
    // handed to tfjs (the cpu backend adopts typed arrays without copying them).
    const outputs: TensorInfo[] = shadows.map((s, i) => {
      const v = variables[i] as TensorInfo;
      const vv = mem.view(v);
      if (!allFinite(vv)) return mem.alias(s);
      const sv = mem.view(s);
      const moved = new Float32Array(sizeOf(s));
      for (let j = 0; j < moved.length; j++) moved[j] = keep * (sv[j] as number) + take * (vv[j] as number);
      return mem.create([...s.shape], 'float32', moved);
    });
    return outputs;
  };
}

/**
 * Moves each average towards its variable with the fused kernel when the active backend has it
 * (cpu, wasm) and every tensor is float32; returns false (nothing done) otherwise, so the caller
 * runs its plain ops.
 */
export function fusedEmaStep(shadows: readonly tf.Variable[], variables: readonly tf.Variable[], decay: number): boolean {
  const backendName: string = tf.getBackend();
  if (!FUSED_KERNEL_BACKENDS.includes(backendName) || !fusedKernelsReady(backendName)) return false;
  if (![...shadows, ...variables].every((t) => t.dtype === 'float32')) return false;
  const inputs: tf.NamedTensorMap = {};
  shadows.forEach((s, i) => {
    inputs[`s${i}`] = s;
  });
  variables.forEach((v, i) => {
    inputs[`v${i}`] = v;
  });
  assignOutputs(EMA_KERNEL, inputs, { count: shadows.length, decay }, shadows);
  return true;
}
