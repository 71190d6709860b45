import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, NamedAttrMap } from '@tensorflow/tfjs';
import { selectBackend } from '../../src/node.js';
import { installWasmMatMul } from '../../src/backend/wasmMatMul.js';
import { randomArrays } from '../optim/kernels/kernelTestKit.js';

/** Runs `fn` on `backend` and returns its result's values. */
async function on(backend: string, fn: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const result = tf.tidy(fn);
  const values = (await result.data()) as Float32Array;
  result.dispose();
  return values;
}

/** The largest |x - y| / (1 + |y|) over two arrays of the same length. */
function maxRelativeError(x: Float32Array, y: Float32Array): number {
  expect(x.length).toBe(y.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs((x[i] ?? 0) - (y[i] ?? 0)) / (1 + Math.abs(y[i] ?? 0)));
  return worst;
}

/** Records the transpose flags every call of the wasm `BatchMatMul` kernel receives (installed under the wrapper). */
function recordMatMulFlags(): { flags: [boolean, boolean][]; restore: () => void } {
  const config = tf.getKernel('BatchMatMul', 'wasm');
  const flags: [boolean, boolean][] = [];
  const recording: KernelFunc = (args) => {
    const attrs: NamedAttrMap = args.attrs ?? {};
    flags.push([attrs.transposeA === true, attrs.transposeB === true]);
    return config.kernelFunc(args);
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...config, kernelFunc: recording });
  return {
    flags,
    restore: () => {
      tf.unregisterKernel('BatchMatMul', 'wasm');
      tf.registerKernel(config);
    },
  };
}

const originalFused = tf.getKernel('_FusedMatMul', 'wasm');

// [a shape, b shape, transposeA, transposeB]: dense layers' backward products and odd sizes.
const CASES: readonly [number[], number[], boolean, boolean][] = [
  [[64, 784], [64, 256], true, false], // a dense kernel's gradient: xᵀ·dy
  [[64, 256], [784, 256], false, true], // a dense input's gradient: dy·Wᵀ
  [[5, 3], [7, 5], true, true],
  [[1, 9], [1, 4], true, false], // a transpose that is only a reshape
  [[1, 6, 4], [1, 6, 3], true, false], // rank 3, batch of one
  [[2, 6, 4], [2, 6, 3], true, false], // a real batch: left to tfjs
];

describe(installWasmMatMul, () => {
  describe('having the wasm backend set without selectBackend', () => {
    it('should hand transposed products of single matrices to the untransposed kernel, and batches unchanged', async () => {
      await tf.setBackend('wasm');
      const recorder = recordMatMulFlags(); // sits under the wrapper: sees what the wrapper passes on
      try {
        expect(installWasmMatMul()).toBe(2);
        tf.tidy(() => {
          tf.matMul(tf.ones([4, 3]), tf.ones([4, 2]), true, false).dataSync();
          tf.matMul(tf.ones([3, 4]), tf.ones([2, 4]), false, true).dataSync();
          tf.matMul(tf.ones([2, 4, 3]), tf.ones([2, 4, 2]), true, false).dataSync();
        });
        expect(recorder.flags).toEqual([
          [false, false],
          [false, false],
          [true, false],
        ]);
      } finally {
        recorder.restore(); // back to tfjs's own kernels; selectBackend below wraps them again
        tf.unregisterKernel('_FusedMatMul', 'wasm');
        tf.registerKernel(originalFused);
      }
    });
  });

  describe('having the wasm backend selected', () => {
    it('should wrap both matmul kernels once', async () => {
      await selectBackend('wasm');
      // selectBackend installed it already: a second install changes nothing.
      expect(installWasmMatMul()).toBe(0);
      const batch = tf.getKernel('BatchMatMul', 'wasm');
      const fused = tf.getKernel('_FusedMatMul', 'wasm');
      expect(batch.setupFunc).toBeDefined();
      expect(fused.setupFunc).toBeDefined();
    });

    it.each(CASES)('should multiply %j by %j (transposeA %s, transposeB %s) as the cpu backend does', async (aShape, bShape, ta, tb) => {
      await selectBackend('wasm');
      const [aValues, bValues] = randomArrays([aShape, bShape], 7) as [Float32Array, Float32Array];
      const product = (): tf.Tensor => tf.matMul(tf.tensor(aValues, aShape), tf.tensor(bValues, bShape), ta, tb);
      const before = tf.memory().numTensors;
      const bytesBefore = tf.memory().numBytes;
      const wasm = await on('wasm', product);
      expect(tf.memory().numTensors).toBe(before);
      expect(tf.memory().numBytes).toBe(bytesBefore);
      const cpu = await on('cpu', product);
      expect(maxRelativeError(wasm, cpu)).toBeLessThan(1e-5);
    });

    it('should give a fused matmul with bias and relu, transposed, the cpu backend values', async () => {
      await selectBackend('wasm');
      const [a, b, bias] = randomArrays([[8, 5], [6, 8], [6]], 11) as [Float32Array, Float32Array, Float32Array];
      const product = (): tf.Tensor =>
        tf.fused.matMul({
          a: tf.tensor2d(a, [8, 5]),
          b: tf.tensor2d(b, [6, 8]),
          transposeA: true,
          transposeB: true,
          bias: tf.tensor1d(bias),
          activation: 'relu',
        });
      const wasm = await on('wasm', product);
      const cpu = await on('cpu', product);
      expect(maxRelativeError(wasm, cpu)).toBeLessThan(1e-5);
      expect(Math.min(...wasm)).toBe(0); // relu applied after the bias
    });

    it("should give a dense model's gradients equal to the cpu backend's", async () => {
      await selectBackend('wasm');
      const [x, y, w1, w2] = randomArrays(
        [
          [16, 12],
          [16, 3],
          [12, 8],
          [8, 3],
        ],
        3,
      );
      const gradients = async (backend: string): Promise<Float32Array[]> => {
        await tf.setBackend(backend);
        const v1 = tf.tidy(() => tf.variable(tf.tensor2d(w1 as Float32Array, [12, 8])));
        const v2 = tf.tidy(() => tf.variable(tf.tensor2d(w2 as Float32Array, [8, 3])));
        const values = tf.tidy(() => {
          const { grads } = tf.variableGrads(() =>
            tf.losses.meanSquaredError(
              tf.tensor2d(y as Float32Array, [16, 3]),
              tf.relu(tf.tensor2d(x as Float32Array, [16, 12]).matMul(v1)).matMul(v2),
            ),
          );
          return [v1, v2].map((v) => grads[v.name]?.dataSync() as Float32Array);
        });
        tf.dispose([v1, v2]);
        return values;
      };
      const before = tf.memory().numTensors;
      const wasm = await gradients('wasm');
      const cpu = await gradients('cpu');
      expect(tf.memory().numTensors).toBe(before);
      wasm.forEach((g, i) => {
        expect(maxRelativeError(g, cpu[i] as Float32Array)).toBeLessThan(1e-5);
      });
    });
  });
});
