import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { seededPermutation, seededRandom, ShuffledBatches } from '../../src/train/data.js';

describe(seededRandom, () => {
  it('should repeat its sequence for a seed, differ across seeds, and stay in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first: number[] = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(first);
    expect(c()).not.toBe(first[0]);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('should give a permutation of 0..n−1', () => {
    const order: number[] = Array.from(seededPermutation(50, 9));
    expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(order).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe(ShuffledBatches, () => {
  let before: number;

  beforeEach(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
  });

  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  describe('having 10 samples, batch size 3 (3 batches per epoch)', () => {
    it('should cover 9 distinct samples per epoch and give the same batch for an iteration on any instance', () => {
      const xs: tf.Tensor2D = tf.tensor2d(
        Array.from({ length: 10 }, (_, i) => i),
        [10, 1],
      );
      const ys: tf.Tensor2D = tf.tensor2d(
        Array.from({ length: 10 }, (_, i) => 100 + i),
        [10, 1],
      );
      const data: ShuffledBatches = new ShuffledBatches({ xs, ys, batchSize: 3, seed: 7 });
      const rows = (i: number, source: ShuffledBatches = data): number[] => {
        const batch = source.batch(i);
        const values: number[] = Array.from(batch.xs.dataSync());
        expect(Array.from(batch.ys.dataSync())).toEqual(values.map((v) => v + 100));
        tf.dispose([batch.xs, batch.ys]);
        return values;
      };
      const epoch0: number[] = [0, 1, 2].flatMap((i) => rows(i));
      expect(new Set(epoch0).size).toBe(9);
      expect(data.batchesPerEpoch).toBe(3);
      const fresh: ShuffledBatches = new ShuffledBatches({ xs, ys, batchSize: 3, seed: 7 });
      expect(rows(4, fresh)).toEqual(rows(4));
      expect(rows(1, fresh)).toEqual(epoch0.slice(3, 6));
      expect([3, 4, 5].flatMap((i) => rows(i))).not.toEqual(epoch0);
      expect(() => new ShuffledBatches({ xs, ys, batchSize: 11, seed: 7 })).toThrow(
        'batchSize (SOLVER.IMS_PER_BATCH): got 11, expected an integer in [1, 10]',
      );
      tf.dispose([xs, ys]);
    });
  });
});
