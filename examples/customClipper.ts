import * as tf from '@tensorflow/tfjs';
import { Container, injectable } from 'inversify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { buildGradientClipper, type Clipper, createSolver, type HookContext, parseConfig, solverModule, TOKENS } from 'tfjs-solver/node';

// Swap in your own Clipper with one rebind, from your own script, without touching the library.
// Run: npx tsx examples/customClipper.ts

// Begin-example
/** Clamps every gradient element to [−0.01, 0.01] and counts its calls. */
@injectable()
class TinyStepClipper implements Clipper {
  public calls: number = 0;
  // A built-in clipper that clips nothing measures the statistics: the raw gradients' norm and
  // whether it is finite (the optimizer skips the step when it is not).
  private readonly measure = buildGradientClipper({ clipType: 'none' });
  public clip(grads: tf.NamedTensorMap): ReturnType<Clipper['clip']> {
    this.calls += 1;
    const { stats } = this.measure.clip(grads);
    const out: tf.NamedTensorMap = {};
    for (const [name, grad] of Object.entries(grads)) out[name] = tf.clipByValue(grad, -0.01, 0.01);
    // `clipped`: 1 when some element was beyond the bound, i.e. the largest |g| exceeds 0.01.
    const largest = tf.max<tf.Scalar>(tf.stack(Object.values(grads).map((g) => tf.max(tf.abs(g)))));
    return { grads: out, gradScale: null, stats: { ...stats, clipped: tf.cast(tf.greater<tf.Scalar>(largest, 0.01), 'float32') } };
  }
}

const config = parseConfig({
  SOLVER: { MAX_ITER: 12, BASE_LR: 0.1, MOMENTUM: 0, WEIGHT_DECAY: 0, WARMUP_ITERS: 0, STEPS: [], CHECKPOINT_PERIOD: 6 },
  TRAIN: { LOG_PERIOD: 6 },
  OUTPUT_DIR: mkdtempSync(join(tmpdir(), 'custom-clipper-')),
});
const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros' })] });

const container = new Container();
container.load(solverModule(config));
container.bind(TOKENS.Model).toConstantValue(model);
container.rebind(TOKENS.Clipper).to(TinyStepClipper).inSingletonScope(); // the one line that swaps it
const lrs: number[] = [];
container.bind(TOKENS.Hook).toConstantValue({
  afterStep: (ctx: HookContext) => {
    lrs.push(ctx.storage.latest('lr') ?? 0);
  },
});

const solver = await createSolver(container);
model.compile({ optimizer: solver.optimizer, loss: 'meanSquaredError' });
const xs = tf.tensor2d([
  [1, 0],
  [0, 1],
  [1, 1],
  [2, 1],
]);
const ys = tf.tensor2d([[10], [-10], [0], [10]]);
await solver.fit(model, xs, ys, { epochs: 20, batchSize: 2, shuffle: false });
// End-example

const clipper = container.get<TinyStepClipper>(TOKENS.Clipper);
export const clipperCalls: number = clipper.calls; // 12: one per step, stopped at MAX_ITER
export const learningRates: number[] = lrs; // 0.1 every step (no warmup, no steps)
// Every element of every step moved by at most lr × 0.01 = 0.001, so |kernel| ≤ 12 × 0.001.
export const largestWeight: number = Math.max(
  ...model
    .getWeights()
    .flatMap((t) => Array.from(t.dataSync()))
    .map(Math.abs),
);
console.log({ clipperCalls, learningRates, largestWeight });
solver.optimizer.dispose();
tf.dispose([xs, ys]);
model.dispose();
