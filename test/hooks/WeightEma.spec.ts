import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig } from '@tensorflow/tfjs';
import { WeightEma } from '../../src/hooks/WeightEma.js';
import { EMA_KERNEL } from '../../src/optim/kernels/ema.js';
import { tfjsVersions } from '../../src/optim/kernels/tfjsInternals.js';
import { randomArrays } from '../optim/kernels/kernelTestKit.js';

/** Runs `fn` with the fused kernels off (tfjs faked to another version: the plain-ops path). */
async function withPlainOps<T>(fn: () => Promise<T>): Promise<T> {
  const realRead = tfjsVersions.read;
  tfjsVersions.read = () => ({ 'tfjs-core': '9.0.0', 'tfjs-backend-cpu': '9.0.0' });
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return await fn();
  } finally {
    tfjsVersions.read = realRead;
    console.warn = warn;
  }
}

const SHAPES: readonly number[][] = [[7, 5], [33], [2, 3, 4]];
const DECAY = 0.9;

/**
 * Three EMA steps over three variables; the second variable holds a NaN at step 2, the first an
 * infinity at step 3. Returns each average after each step, as numbers.
 */
async function threeSteps(weights: readonly Float32Array[][]): Promise<number[][][]> {
  const variables = SHAPES.map((shape, i) => tf.tidy(() => tf.variable(tf.tensor(weights[0]![i]!, shape))));
  const ema = new WeightEma(new Map(variables.map((v, i) => [`w${i}`, v])), DECAY);
  ema.beforeTrain();
  const after: number[][][] = [];
  for (let step = 1; step <= 3; step++) {
    variables.forEach((v, i) => {
      tf.tidy(() => {
        v.assign(tf.tensor(weights[step]![i]!, SHAPES[i]));
      });
    });
    ema.afterStep();
    after.push(await Promise.all(ema.state().map(async ({ tensor }) => Array.from(await tensor.data()))));
  }
  ema.dispose();
  tf.dispose(variables);
  return after;
}

/** The same three steps in float64 from the same float32 inputs (independent of tfjs). */
function byHand(weights: readonly Float32Array[][]): number[][][] {
  let averages: number[][] = weights[0]!.map((w) => Array.from(w));
  const after: number[][][] = [];
  for (let step = 1; step <= 3; step++) {
    averages = averages.map((avg, i) => {
      const w = weights[step]![i]!;
      return w.every(Number.isFinite) ? avg.map((a, j) => Math.fround(DECAY * a + (1 - DECAY) * w[j]!)) : avg;
    });
    after.push(averages);
  }
  return after;
}

describe(WeightEma, () => {
  let before: number;

  beforeEach(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
  });

  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  describe('having decay 0.5 and a weight that turns NaN for one step', () => {
    it('should keep the average unchanged that step and move it again after (hand-computed)', async () => {
      const weight: tf.Variable = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
      const ema: WeightEma = new WeightEma(new Map([['w', weight]]), 0.5);
      ema.beforeTrain();
      tf.tidy(() => {
        weight.assign(tf.tensor1d([Number.NaN, 4]));
      });
      ema.afterStep();
      expect(Array.from(await ema.state()[0]!.tensor.data())).toEqual([1, 2]);
      tf.tidy(() => {
        weight.assign(tf.tensor1d([3, 4]));
      });
      ema.afterStep();
      // 0.5 * [1, 2] + 0.5 * [3, 4]
      expect(Array.from(await ema.state()[0]!.tensor.data())).toEqual([2, 3]);
      ema.dispose();
      weight.dispose();
    });
  });

  describe.each(['cpu', 'wasm'])('on %s, the fused kernel and the plain ops', (backend) => {
    it("should both give the hand-computed averages, keep a NaN variable's average bit for bit, and leave no tensors", async () => {
      await tf.setBackend(backend);
      before = tf.memory().numTensors;
      const weights = [0, 1, 2, 3].map((step) => randomArrays(SHAPES, 100 + step));
      weights[2]![1]![4] = Number.NaN; // in the part the SIMD loop reads on wasm
      weights[3]![0]![34] = Number.POSITIVE_INFINITY; // in the tail a plain loop reads
      const expected = byHand(weights);
      const fused = await threeSteps(weights);
      expect(tf.getKernel(EMA_KERNEL, backend) as KernelConfig | undefined).toBeDefined();
      const plain = await withPlainOps(() => threeSteps(weights));
      for (const got of [fused, plain]) {
        got.forEach((step, s) => {
          step.forEach((avg, i) => {
            avg.forEach((x, j) => {
              expect(Math.abs(x - expected[s]![i]![j]!)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(expected[s]![i]![j]!)));
            });
          });
        });
        // Step 2 kept variable 1's average exactly as after step 1.
        expect(got[1]![1]).toEqual(got[0]![1]);
        expect(got[2]![0]).toEqual(got[1]![0]);
        expect(got[2]![1]).not.toEqual(got[1]![1]);
      }
    });
  });
});
