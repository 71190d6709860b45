import * as tf from '@tensorflow/tfjs';
import { Container } from 'inversify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMnistMlp, loadMnist } from '../../src/cli/data.js';
import { loadConfig } from '../../src/node.js';
import { createSolver } from '../../src/di/Solver.js';
import { solverModule, TOKENS } from '../../src/di/solverModule.js';
import { crossEntropy } from '../../src/hooks/evaluation.js';
import { nodeFileStore } from '../../src/io/node.js';

/**
 * The solver's cost in a real fit (issue 12): the MNIST MLP of `npm start` (configs/mnist_mlp.yaml:
 * groups, bias LR factor, full_model clipping, EMA, and every default hook — timer, LR, EMA,
 * checkpointer, metrics writer) trained with `model.fit`, against the same model and data with
 * `tf.train.momentum` and no callbacks. Rounds alternate between the two so that load changes
 * hit both; the result is the median milliseconds per step of each, and their ratio.
 */

const BATCH = 64;

async function timedFit(
  model: tf.LayersModel,
  xs: tf.Tensor,
  ys: tf.Tensor,
  fit: (x: tf.Tensor, y: tf.Tensor) => Promise<unknown>,
): Promise<number> {
  const steps: number = xs.shape[0] / BATCH;
  const started: number = performance.now();
  await fit(xs, ys);
  return (performance.now() - started) / steps;
}

function median(values: readonly number[]): number {
  const sorted: number[] = [...values].sort((a, b) => a - b);
  const mid: number = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/** Runs the case on wasm; `quick`: 2 rounds of 20 steps each, else 7 rounds of 60. */
export async function run(options: { quick: boolean }): Promise<{ title: string; markdown: string; json: unknown }> {
  await tf.setBackend('wasm');
  const rounds: number = options.quick ? 2 : 7;
  const steps: number = options.quick ? 20 : 60;
  const dir: string = mkdtempSync(join(tmpdir(), 'fit-overhead-'));
  const config = await loadConfig('configs/mnist_mlp.yaml', ['SOLVER.MAX_ITER', '100000', 'OUTPUT_DIR', dir]);
  const { train, heldOut } = await loadMnist({ limit: { train: steps * BATCH, heldOut: 1 } });
  tf.dispose([heldOut.xs, heldOut.ys]);
  const loss = (ys: tf.Tensor, output: tf.Tensor): tf.Tensor => tf.mean(crossEntropy(ys, output, 'logits'));

  const ours: tf.LayersModel = buildMnistMlp(config.DEMO.HIDDEN_UNITS, 1);
  const container = new Container();
  container.load(solverModule(config));
  container.bind(TOKENS.Model).toConstantValue(ours);
  container.bind(TOKENS.FileStore).toConstantValue(nodeFileStore);
  const solver = await createSolver(container);
  ours.compile({ optimizer: solver.optimizer, loss });

  const plain: tf.LayersModel = buildMnistMlp(config.DEMO.HIDDEN_UNITS, 1);
  const momentum: tf.Optimizer = tf.train.momentum(config.SOLVER.BASE_LR, config.SOLVER.MOMENTUM);
  plain.compile({ optimizer: momentum, loss });

  const args: tf.ModelFitArgs = { epochs: 1, batchSize: BATCH, shuffle: false };
  const oursMs: number[] = [];
  const momentumMs: number[] = [];
  // One warm-up fit each (kernels, slots, first checkpoint folder), then alternating rounds.
  await solver.fit(ours, train.xs, train.ys, args);
  await plain.fit(train.xs, train.ys, args);
  for (let r = 0; r < rounds; r++) {
    oursMs.push(await timedFit(ours, train.xs, train.ys, (x, y) => solver.fit(ours, x, y, args)));
    momentumMs.push(await timedFit(plain, train.xs, train.ys, (x, y) => plain.fit(x, y, args)));
  }
  const result = { steps, rounds, batch: BATCH, oursMsPerStep: median(oursMs), momentumMsPerStep: median(momentumMs) };
  const ratio: number = result.oursMsPerStep / result.momentumMsPerStep;
  solver.optimizer.dispose();
  container.get<{ dispose(): void }>(TOKENS.WeightEma).dispose();
  momentum.dispose();
  ours.dispose();
  plain.dispose();
  tf.dispose([train.xs, train.ys]);
  rmSync(dir, { recursive: true, force: true });
  return {
    title: 'Solver cost in a real fit (MNIST MLP, wasm, model.fit, batch 64)',
    markdown: [
      '| fit | median ms/step | rounds × steps |',
      '|---|---:|---:|',
      `| tfjs-solver (configs/mnist_mlp.yaml, every default hook) | ${result.oursMsPerStep.toFixed(2)} | ${rounds} × ${steps} |`,
      `| tf.train.momentum, no callbacks | ${result.momentumMsPerStep.toFixed(2)} | ${rounds} × ${steps} |`,
      `| ratio (target <= 1.10) | ${ratio.toFixed(3)} | |`,
    ].join('\n'),
    json: { ...result, ratio, oursMs, momentumMs },
  };
}
