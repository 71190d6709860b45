import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../errors/SolverError.js';

/**
 * The demo model: `Dense → BatchNormalization → ReLU`, twice, then `Dense(1)` giving a logit.
 * Layer names are fixed (`hidden1`, `bn1`, `hidden2`, `bn2`, `logit`) so checkpoints load into
 * a fresh build, and every initializer is seeded from `seed`, so two builds are identical.
 *
 * Why BatchNormalization: its `gamma`/`beta` form their own parameter group under
 * `WEIGHT_DECAY_NORM`, which is what the demo shows.
 *
 * @param hiddenUnits units per hidden layer (`DEMO.HIDDEN_UNITS`), an integer >= 1.
 * @param seed initializer seed (`SEED`).
 * @throws SolverError kind `config` when hiddenUnits is not an integer >= 1.
 */
export function buildDemoModel(hiddenUnits: number, seed: number): tf.Sequential {
  if (!Number.isInteger(hiddenUnits) || hiddenUnits < 1) {
    throw new SolverError('config', `DEMO.HIDDEN_UNITS: got ${hiddenUnits}, expected an integer >= 1`);
  }
  const init = (offset: number): ReturnType<typeof tf.initializers.glorotUniform> =>
    tf.initializers.glorotUniform({ seed: seed + offset });
  const model: tf.Sequential = tf.sequential();
  model.add(tf.layers.dense({ name: 'hidden1', units: hiddenUnits, inputShape: [2], kernelInitializer: init(1) }));
  model.add(tf.layers.batchNormalization({ name: 'bn1' }));
  model.add(tf.layers.reLU({ name: 'relu1' }));
  model.add(tf.layers.dense({ name: 'hidden2', units: hiddenUnits, kernelInitializer: init(2) }));
  model.add(tf.layers.batchNormalization({ name: 'bn2' }));
  model.add(tf.layers.reLU({ name: 'relu2' }));
  model.add(tf.layers.dense({ name: 'logit', units: 1, kernelInitializer: init(3) }));
  return model;
}
