import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { AugmentedBatches, readMnistDigits, shiftInto, splitMnist } from '../../src/cli/data.js';

describe(splitMnist, () => {
  it('should split the 10,000 shipped digits into 8,000 and 2,000, disjoint, the same on every call', async () => {
    const digits = await readMnistDigits();
    expect(digits.labels.length).toBe(10000);
    const counts: number[] = Array.from({ length: 10 }, (_v, d: number) => digits.labels.filter((l: number) => l === d).length);
    expect(counts.every((c: number) => c > 800 && c < 1200)).toBe(true);
    const a = await splitMnist();
    const b = await splitMnist();
    expect([a.train.count, a.heldOut.count]).toEqual([8000, 2000]);
    expect(a.heldOut.pixels).toEqual(b.heldOut.pixels);
    // Disjoint: no held-out digit is also a training digit (images compared by a position-weighted checksum).
    const key = (pixels: Float32Array, i: number): number =>
      pixels.subarray(i * 784, (i + 1) * 784).reduce((s: number, v: number, k: number) => s + v * (k + 1), 0);
    const training: Set<number> = new Set(Array.from({ length: 8000 }, (_v, i: number) => key(a.train.pixels, i)));
    const shared: number = Array.from({ length: 2000 }, (_v, i: number) => key(a.heldOut.pixels, i)).filter((k) => training.has(k)).length;
    expect(shared).toBe(0);
    // One-hot labels: each row sums to 1.
    expect(
      Array.from({ length: 2000 }, (_v, i: number) => a.heldOut.labels.subarray(i * 10, i * 10 + 10).reduce((s, v) => s + v, 0)),
    ).toEqual(new Array(2000).fill(1));
  });

  it('should refuse a limit beyond the part', async () => {
    await expect(splitMnist({ limit: { train: 9000 } })).rejects.toThrow('limit.train: got 9000, expected an integer in [1, 8000]');
  });
});

describe(shiftInto, () => {
  it('should move a pixel by (dx, dy) and shift zeros in', () => {
    const source: Float32Array = new Float32Array(784);
    source[10 * 28 + 5] = 1; // row 10, column 5
    const target: Float32Array = new Float32Array(784).fill(9);
    shiftInto(source, 0, target, 0, 2, -1);
    expect(target.filter((v) => v !== 0)).toEqual(Float32Array.from([1]));
    expect(target[9 * 28 + 7]).toBe(1); // row 9, column 7
  });
});

describe(AugmentedBatches, () => {
  it('should give the same batch for the same (seed, iteration) and another for another seed', () => {
    const pixels: Float32Array = Float32Array.from({ length: 8 * 784 }, (_v, i: number) => (i % 97) / 97);
    const labels: Float32Array = Float32Array.from({ length: 8 * 10 }, (_v, i: number) => (i % 10 === Math.floor(i / 10) % 10 ? 1 : 0));
    const before: number = tf.memory().numTensors;
    const read = (seed: number, iteration: number): number[] => {
      const batch = new AugmentedBatches({ pixels, labels, batchSize: 4, seed, maxShift: 2 }).batch(iteration);
      const values: number[] = [...batch.xs.dataSync(), ...batch.ys.dataSync()];
      tf.dispose([batch.xs, batch.ys]);
      return values;
    };
    expect(read(1, 5)).toEqual(read(1, 5));
    expect(read(1, 5)).not.toEqual(read(2, 5));
    expect(tf.memory().numTensors).toBe(before);
  });
});
