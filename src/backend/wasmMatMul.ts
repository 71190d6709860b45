import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

/**
 * The wasm backend of tfjs 4.22 multiplies matrices with XNNPACK only when neither operand is
 * transposed; `matMul(a, b, transposeA, transposeB)` with a transpose falls back to a plain
 * triple loop, about ten times slower. Backpropagation through every dense layer asks for
 * exactly those products (`xᵀ·dy` for the kernel's gradient, `dy·Wᵀ` for the input's), so on
 * wasm they dominate a training step. This module wraps the two matmul kernels so that a
 * transposed operand is first copied transposed (a cheap wasm kernel) and the product then takes
 * the XNNPACK path. The result is the same product; only the order of the float32 sums differs.
 */

/** The matmul kernels the wasm backend registers that take `transposeA` / `transposeB`. */
const MATMUL_KERNELS: readonly string[] = ['BatchMatMul', '_FusedMatMul'];

/** Kernel functions installed by this module, so a second install is a no-op. */
const installed: WeakSet<KernelFunc> = new WeakSet<KernelFunc>();

interface KernelBackendLike {
  disposeData(dataId: object): unknown;
}

/** Number of matrices in a batch of shape `[...batch, rows, cols]`. */
function batchSize(shape: readonly number[]): number {
  return shape.slice(0, -2).reduce((product: number, dim: number) => product * dim, 1);
}

/** Whether the XNNPACK path can serve this product once the operands are transposed. */
function worthTransposing(a: TensorInfo, b: TensorInfo, attrs: NamedAttrMap): boolean {
  return (
    (attrs.transposeA === true || attrs.transposeB === true) &&
    a.dtype === 'float32' &&
    b.dtype === 'float32' &&
    a.shape.length >= 2 &&
    b.shape.length >= 2 &&
    batchSize(a.shape) === 1 &&
    batchSize(b.shape) === 1
  );
}

function wrap(original: KernelFunc, transpose: KernelFunc): KernelFunc {
  const swapLastTwo = (x: TensorInfo, backend: unknown): TensorInfo => {
    const rank: number = x.shape.length;
    const perm: number[] = Array.from({ length: rank }, (_: unknown, i: number) => i);
    perm[rank - 2] = rank - 1;
    perm[rank - 1] = rank - 2;
    return transpose({ inputs: { x }, backend: backend as never, attrs: { perm } }) as TensorInfo;
  };
  const kernelFunc: KernelFunc = (args) => {
    const inputs = args.inputs;
    const attrs: NamedAttrMap = args.attrs ?? {};
    const a: TensorInfo | undefined = inputs.a;
    const b: TensorInfo | undefined = inputs.b;
    if (a === undefined || b === undefined || !worthTransposing(a, b, attrs)) return original(args);
    const backend = args.backend as unknown as KernelBackendLike;
    const plainA: TensorInfo = attrs.transposeA === true ? swapLastTwo(a, backend) : a;
    const plainB: TensorInfo = attrs.transposeB === true ? swapLastTwo(b, backend) : b;
    try {
      return original({
        inputs: { ...inputs, a: plainA, b: plainB },
        backend: args.backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      if (plainA !== a) backend.disposeData(plainA.dataId);
      if (plainB !== b) backend.disposeData(plainB.dataId);
    }
  };
  installed.add(kernelFunc);
  return kernelFunc;
}

/**
 * Routes the wasm backend's transposed matrix products through XNNPACK (see the module comment).
 * Called when the wasm backend is selected. Idempotent, and a no-op when the wasm backend's
 * kernels are not registered (its package is not loaded).
 *
 * @returns the number of kernels wrapped now (0 when already done or not applicable).
 */
export function installWasmMatMul(): number {
  const transpose = tf.getKernel('Transpose', 'wasm') as KernelConfig | undefined;
  if (transpose === undefined) return 0;
  let wrapped = 0;
  for (const kernelName of MATMUL_KERNELS) {
    const config = tf.getKernel(kernelName, 'wasm') as KernelConfig | undefined;
    if (config === undefined || installed.has(config.kernelFunc)) continue;
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...config, kernelFunc: wrap(config.kernelFunc, transpose.kernelFunc) });
    wrapped += 1;
  }
  return wrapped;
}
