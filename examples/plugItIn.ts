import * as tf from '@tensorflow/tfjs';
import { Container } from 'inversify';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSolver, loadConfig, solverModule, TOKENS } from 'tfjs-solver/node';

// The README's "plug it in" snippet (docs/di.md), run for real on a small model.
// Run: npx tsx examples/plugItIn.ts

// A small model and problem: is the point (x, y) in the first or third quadrant?
const model = tf.sequential({
  layers: [
    tf.layers.dense({ name: 'hidden', units: 16, inputShape: [2], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    tf.layers.batchNormalization({ name: 'bn' }),
    tf.layers.reLU({ name: 'relu' }),
    tf.layers.dense({ name: 'logit', units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ],
});
const xs = tf.randomUniform([256, 2], -1, 1, 'float32', 1);
const ys = tf.tidy(() => tf.cast(tf.greater(tf.prod(xs, 1, true), 0), 'float32'));
const outputDir = mkdtempSync(join(tmpdir(), 'plug-it-in-'));
const short = [
  'SOLVER.MAX_ITER',
  '40',
  'SOLVER.WARMUP_ITERS',
  '10',
  'SOLVER.STEPS',
  '[30]',
  'SOLVER.CHECKPOINT_PERIOD',
  '20',
  'OUTPUT_DIR',
  outputDir,
];

// Begin-example
const container = new Container();
container.load(solverModule(await loadConfig('configs/default.yaml', short)));
container.bind(TOKENS.Model).toConstantValue(model);
const solver = await createSolver(container, { resume: true });
model.compile({ optimizer: solver.optimizer, loss: tf.losses.sigmoidCrossEntropy });
await solver.fit(model, xs, ys, { epochs: 100, batchSize: 32 });
// End-example

export const stoppedAt: number = solver.startIter; // 40 = MAX_ITER: fit stopped there
export const files: string[] = readdirSync(outputDir).sort(); // checkpoints and metrics.json
console.log({ stoppedAt, files });
solver.optimizer.dispose();
model.dispose();
tf.dispose([xs, ys]);
