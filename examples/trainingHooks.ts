import * as tf from '@tensorflow/tfjs';
import {
  buildLrScheduler,
  type Hook,
  type HookContext,
  IterationTimer,
  LrSchedulerHook,
  parseConfig,
  ShuffledBatches,
  SolverOptimizer,
  Trainer,
} from 'tfjs-solver';

// Training hooks without a container: a Trainer, the LR hook, a timer, and a hook of your own.
// Run: npx tsx examples/trainingHooks.ts

// Begin-example
const config = parseConfig({ SOLVER: { MAX_ITER: 60, BASE_LR: 0.05, WARMUP_ITERS: 10, STEPS: [40] } });
const w = tf.variable(tf.zeros([2, 1]), true, 'hooks_example/w');
const xs = tf.tensor2d([
  [1, 0],
  [0, 1],
  [1, 1],
  [1, -1],
  [2, 0],
  [0, 2],
  [-1, 1],
  [1, 2],
]);
const ys = tf.matMul(xs, tf.tensor2d([[3], [-1]])); // the answer is w = [3, −1]

const optimizer = new SolverOptimizer({ groups: [{ params: [w] }], lr: config.SOLVER.BASE_LR, momentum: 0.9 });
const scheduler = buildLrScheduler(config, optimizer);

/** Your own hook: keeps the loss every 20 steps (one sync every 20 steps, none in between). */
const losses: number[] = [];
const lossEvery20: Hook = {
  async afterStep(ctx: HookContext): Promise<void> {
    if ((ctx.iteration + 1) % 20 === 0 && ctx.loss !== null) losses.push((await ctx.loss.data())[0] ?? NaN);
  },
};

const trainer = new Trainer({
  data: new ShuffledBatches({ xs, ys, batchSize: 4, seed: 1 }),
  loss: (batch) => tf.losses.meanSquaredError(batch.ys, tf.matMul(batch.xs, w)),
  variables: [w],
  optimizer,
  maxIter: config.SOLVER.MAX_ITER,
  // Order matters: the timer measures the step; the LR hook records `lr` before others read it.
  hooks: [new IterationTimer(), new LrSchedulerHook(scheduler), lossEvery20],
});
await trainer.train();
// End-example

export const lossesEvery20: number[] = losses; // falling towards 0
export const learned: number[] = Array.from(w.dataSync()); // ≈ [3, −1]
export const lrAfterTraining: number = scheduler.current.learningRates[0] ?? NaN; // 0.05 × 0.1 after STEPS [40]
console.log({ lossesEvery20, learned, lrAfterTraining });
optimizer.dispose();
tf.dispose([w, xs, ys]);
