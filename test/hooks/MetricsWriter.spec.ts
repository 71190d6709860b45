import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { EventStorage, MetricsWriter } from '../../src/hooks/metrics.js';
import type { StepStats } from '../../src/optim/SolverOptimizer.js';
import { MemoryFileStore } from './memoryFileStore.js';

describe(MetricsWriter, () => {
  let before: number;

  beforeEach(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
  });

  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  describe('having period 2 over 5 steps with known losses, times and clip statistics', () => {
    it('should write lines at iterations 1, 3 and 4 holding the window means', async () => {
      const files: MemoryFileStore = new MemoryFileStore();
      const losses: number[] = [1, 3, 5, 7, 9];
      const norms: number[] = [2, 4, 6, 8, 10];
      const clippedFlags: number[] = [1, 0, 1, 1, 0];
      const skippedFlags: number[] = [0, 0, 0, 1, 0];
      let stats: StepStats | null = null;
      const writer: MetricsWriter = new MetricsWriter({ files, dir: 'out', period: 2, stats: () => stats });
      const ctx = { iteration: 0, startIter: 0, maxIter: 5, loss: null as tf.Scalar | null, storage: new EventStorage() };
      await writer.beforeTrain(ctx);
      for (let i = 0; i < 5; i++) {
        ctx.iteration = i;
        ctx.loss = tf.scalar(losses[i]!);
        stats = {
          gradNorm: tf.scalar(norms[i]!),
          clipped: tf.scalar(clippedFlags[i]!),
          skipped: tf.scalar(skippedFlags[i]!),
          skippedTotal: tf.scalar(0),
        };
        ctx.storage.put('lr', 0.1 * (i + 1));
        ctx.storage.put('time', 0.5 * (i + 1));
        await writer.afterStep(ctx);
        tf.dispose([ctx.loss, stats.gradNorm, stats.clipped, stats.skipped, stats.skippedTotal]);
      }
      ctx.iteration = 5;
      ctx.loss = null;
      await writer.afterTrain(ctx);
      expect(files.appends).toBe(3);
      const lines = files
        .text('out/metrics.json')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, number>);
      // Means by hand: steps {0,1}: loss (1+3)/2, norm (2+4)/2, clipped 1/2, time (0.5+1)/2; eta = time × (5 − 1 − 1).
      expect(lines[0]).toEqual({
        iteration: 1,
        lr: 0.2,
        total_loss: 2,
        time: 0.75,
        eta_seconds: 2.25,
        grad_norm: 3,
        clipped_fraction: 0.5,
        skipped_steps: 0,
      });
      expect(lines[1]).toEqual({
        iteration: 3,
        lr: 0.4,
        total_loss: 6,
        time: 1.75,
        eta_seconds: 1.75,
        grad_norm: 7,
        clipped_fraction: 1,
        skipped_steps: 1,
      });
      expect(lines[2]).toEqual({
        iteration: 4,
        lr: 0.5,
        total_loss: 9,
        time: 2.5,
        eta_seconds: 0,
        grad_norm: 10,
        clipped_fraction: 0,
        skipped_steps: 0,
      });
      expect(ctx.storage.latest('total_loss')).toBe(9);
    });
  });

  describe('having a window of 3 steps whose middle one is non-finite (a skipped step)', () => {
    it('should average loss and grad_norm over the 2 finite steps and count the skipped one', async () => {
      const files: MemoryFileStore = new MemoryFileStore();
      const losses: number[] = [2, Number.NaN, 4];
      const norms: number[] = [1, Number.POSITIVE_INFINITY, 3];
      let stats: StepStats | null = null;
      const writer: MetricsWriter = new MetricsWriter({ files, dir: 'out', period: 3, stats: () => stats });
      const ctx = { iteration: 0, startIter: 0, maxIter: 3, loss: null as tf.Scalar | null, storage: new EventStorage() };
      await writer.beforeTrain(ctx);
      for (let i = 0; i < 3; i++) {
        ctx.iteration = i;
        ctx.loss = tf.scalar(losses[i]!);
        stats = { gradNorm: tf.scalar(norms[i]!), clipped: tf.scalar(0), skipped: tf.scalar(i === 1 ? 1 : 0), skippedTotal: tf.scalar(0) };
        await writer.afterStep(ctx);
        tf.dispose([ctx.loss, stats.gradNorm, stats.clipped, stats.skipped, stats.skippedTotal]);
      }
      ctx.iteration = 3;
      ctx.loss = null;
      await writer.afterTrain(ctx);
      const line = JSON.parse(files.text('out/metrics.json').trim()) as Record<string, number>;
      // By hand: loss (2 + 4) / 2, norm (1 + 3) / 2; the NaN/Inf step only counts in skipped_steps.
      expect(line).toMatchObject({ iteration: 2, total_loss: 3, grad_norm: 2, clipped_fraction: 0, skipped_steps: 1 });
    });
  });

  describe('when the period is 0', () => {
    it('should refuse it naming TRAIN.LOG_PERIOD', () => {
      expect(() => new MetricsWriter({ files: new MemoryFileStore(), dir: 'out', period: 0 })).toThrow(
        'period (TRAIN.LOG_PERIOD): got 0, expected an integer >= 1',
      );
    });
  });
});
