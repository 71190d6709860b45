import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Container } from 'inversify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMnistMlp, loadMnist } from '../../src/cli/data.js';
import { loadConfig, selectBackend } from '../../src/node.js';
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
const MATMULS: readonly string[] = ['BatchMatMul', '_FusedMatMul'];

/** Steps at the start of each fit left out of the timing (first-batch work, fit setup). */
const SETTLE = 5;

/**
 * Milliseconds per step inside one `fit`, from the end of batch SETTLE to the end of the last
 * batch (a timing callback reads the clock): what a long run pays per step.
 * The work a fit does once at its start and end (callbacks' setup, a final checkpoint) is left
 * out; `npm run bench:mnist` times a whole run.
 */
async function timedFit(xs: tf.Tensor, fit: (x: tf.Tensor, callbacks: tf.CustomCallbackArgs) => Promise<unknown>): Promise<number> {
  const steps: number = xs.shape[0] / BATCH;
  let started = 0;
  let ended = 0;
  await fit(xs, {
    onBatchEnd: (batch: number): void => {
      if (batch === SETTLE - 1) started = performance.now();
      if (batch === steps - 1) ended = performance.now();
    },
  });
  return (ended - started) / (steps - SETTLE);
}

function median(values: readonly number[]): number {
  const sorted: number[] = [...values].sort((a, b) => a - b);
  const mid: number = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/**
 * Runs the case on wasm, selected as users select it (`selectBackend`, which also routes
 * transposed matmuls through XNNPACK for both fits); `quick`: 2 rounds of 20 steps each, else 7 rounds of 60.
 */
export async function run(options: { quick: boolean }): Promise<{ title: string; markdown: string; json: unknown }> {
  // tfjs's own matmul kernels, kept to time a third fit without the transposed-matmul wrapper.
  const tfjsKernels = MATMULS.map((name) => tf.getKernel(name, 'wasm'));
  await selectBackend('wasm');
  const ourKernels = MATMULS.map((name) => tf.getKernel(name, 'wasm'));
  const useKernels = (configs: readonly tf.KernelConfig[]): void => {
    for (const config of configs) {
      tf.unregisterKernel(config.kernelName, 'wasm');
      tf.registerKernel(config);
    }
  };
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
  const tfjsMatMulMs: number[] = [];
  // One warm-up fit each (kernels, slots, first checkpoint folder), then alternating rounds.
  await solver.fit(ours, train.xs, train.ys, args);
  await plain.fit(train.xs, train.ys, args);
  for (let r = 0; r < rounds; r++) {
    oursMs.push(await timedFit(train.xs, (x, callbacks) => solver.fit(ours, x, train.ys, { ...args, callbacks })));
    momentumMs.push(await timedFit(train.xs, (x, callbacks) => plain.fit(x, train.ys, { ...args, callbacks })));
    useKernels(tfjsKernels);
    tfjsMatMulMs.push(await timedFit(train.xs, (x, callbacks) => plain.fit(x, train.ys, { ...args, callbacks })));
    useKernels(ourKernels);
  }
  const result = {
    steps,
    rounds,
    batch: BATCH,
    oursMsPerStep: median(oursMs),
    momentumMsPerStep: median(momentumMs),
    tfjsMatMulMsPerStep: median(tfjsMatMulMs),
  };
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
      `| tf.train.momentum with tfjs's own wasm matmul (no transposed-matmul wrapper) | ${result.tfjsMatMulMsPerStep.toFixed(2)} | ${rounds} × ${steps} |`,
      `| speed-up of the wrapper on this fit | ${(result.tfjsMatMulMsPerStep / result.momentumMsPerStep).toFixed(2)}× | |`,
    ].join('\n'),
    json: { ...result, ratio, oursMs, momentumMs, tfjsMatMulMs },
  };
}
