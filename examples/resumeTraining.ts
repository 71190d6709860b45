import * as tf from '@tensorflow/tfjs';
import { Container } from 'inversify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSolver, layersModelLoss, parseConfig, ShuffledBatches, type SolverConfig, solverModule, TOKENS } from 'tfjs-solver/node';

// Exact resume: stop a run after 8 of 16 iterations, resume from its checkpoint, and compare
// with a run that never stopped. Run: npx tsx examples/resumeTraining.ts

// A small problem: is the point (x, y) in the first or third quadrant?
const xs = tf.randomUniform([256, 2], -1, 1, 'float32', 7);
const data = { xs, ys: tf.tidy(() => tf.cast(tf.greater(tf.prod(xs, 1, true), 0), 'float32')) };

/** Dense + BatchNorm, every initializer seeded: every build from one seed is identical. */
function buildModel(seed: number): tf.Sequential {
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed + k });
  return tf.sequential({
    layers: [
      tf.layers.dense({ name: 'hidden', units: 16, inputShape: [2], kernelInitializer: init(1) }),
      tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.reLU({ name: 'relu' }),
      tf.layers.dense({ name: 'logit', units: 1, kernelInitializer: init(2) }),
    ],
  });
}

// Begin-example
/** Trains the demo model from a fresh container; `stopAt` simulates a crash before that iteration. */
async function train(config: SolverConfig, resume: boolean, stopAt?: number): Promise<{ startIter: number; weights: number[] }> {
  const model = buildModel(config.SEED); // seeded init: every build is identical
  const container = new Container();
  container.load(solverModule(config));
  container.bind(TOKENS.Model).toConstantValue(model);
  container.bind(TOKENS.Hook).toConstantValue({
    beforeStep: (ctx: { iteration: number }) => {
      if (ctx.iteration === stopAt) throw new Error('crash');
    },
  });
  const solver = await createSolver(container, { resume });
  const startIter = solver.startIter; // where this run begins (after train(): where it stopped)
  const batches = new ShuffledBatches({ xs: data.xs, ys: data.ys, batchSize: 32, seed: config.SEED }); // batch = f(seed, iteration)
  await solver
    .trainer(batches, layersModelLoss(model, tf.losses.sigmoidCrossEntropy))
    .train()
    .catch(() => undefined);
  const weights = model.getWeights().flatMap((w) => Array.from(w.dataSync()));
  solver.optimizer.dispose();
  model.dispose();
  return { startIter, weights };
}

const solver = { MAX_ITER: 16, BASE_LR: 0.05, WARMUP_ITERS: 4, STEPS: [12], CHECKPOINT_PERIOD: 8, IMS_PER_BATCH: 32 };
const straight = await train(parseConfig({ SOLVER: solver, SEED: 7, OUTPUT_DIR: mkdtempSync(join(tmpdir(), 'straight-')) }), false);
const config = parseConfig({ SOLVER: solver, SEED: 7, OUTPUT_DIR: mkdtempSync(join(tmpdir(), 'resumed-')) });
await train(config, false, 8); // writes model_0000008.ckpt, then "crashes"
const resumed = await train(config, true); // loads it: weights, momentum, LR schedule, iteration
// End-example

export const resumedAt: number = resumed.startIter; // 8
export const bitIdentical: boolean =
  resumed.weights.length === straight.weights.length && resumed.weights.every((v, i) => Object.is(v, straight.weights[i]));
console.log({ resumedAt, bitIdentical });
tf.dispose([data.xs, data.ys]);
