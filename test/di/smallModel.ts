import * as tf from '@tensorflow/tfjs';
import { parseConfig } from '../../src/config/load.js';
import type { SolverConfig } from '../../src/config/schema.js';

/** Dense(4) → BatchNormalization → Dense(1), seeded, input [2]. */
export function smallModel(seed: number = 7): tf.Sequential {
  const model: tf.Sequential = tf.sequential();
  model.add(tf.layers.dense({ name: 'd1', units: 4, inputShape: [2], kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  model.add(tf.layers.batchNormalization({ name: 'bn' }));
  model.add(tf.layers.dense({ name: 'd2', units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  return model;
}

/** A short-run config for container tests: MAX_ITER 8, warmup 2, checkpoint/log every 4, output `out`. */
export function smallConfig(solver: Record<string, unknown> = {}, train: Record<string, unknown> = {}): SolverConfig {
  return parseConfig(
    {
      SOLVER: { MAX_ITER: 8, BASE_LR: 0.05, WARMUP_ITERS: 2, STEPS: [6], CHECKPOINT_PERIOD: 4, IMS_PER_BATCH: 4, ...solver },
      TRAIN: { LOG_PERIOD: 4, ...train },
      OUTPUT_DIR: 'out',
      SEED: 3,
    },
    'test',
  );
}

/** 16 samples of y = x0 − x1. */
export function smallData(): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const xs: tf.Tensor2D = tf.tensor2d(
    Array.from({ length: 32 }, (_, i) => ((i * 5) % 13) / 6 - 1),
    [16, 2],
  );
  const ys: tf.Tensor2D = tf.tidy(() => xs.matMul(tf.tensor2d([[1], [-1]])) as tf.Tensor2D);
  return { xs, ys };
}

/** The config of the output-folder tests: MAX_ITER 20, checkpoint and log every 5, into `dir`. */
export function lockedRunConfig(dir: string, seed: number = 3): SolverConfig {
  return parseConfig(
    {
      SOLVER: { MAX_ITER: 20, BASE_LR: 0.05, WARMUP_ITERS: 2, STEPS: [15], CHECKPOINT_PERIOD: 5, IMS_PER_BATCH: 4 },
      TRAIN: { LOG_PERIOD: 5 },
      OUTPUT_DIR: dir,
      SEED: seed,
    },
    'test',
  );
}
