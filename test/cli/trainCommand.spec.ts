import { afterAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMnist } from '../../src/cli/data.js';
import { main } from '../../src/cli/main.js';
import { modelFiles } from '../../src/cli/output.js';
import type { TrainingResult } from '../../src/cli/output.js';
import { loadConfig } from '../../src/node.js';
import { type CapturedStreams, captureStreams } from './captureStreams.js';

// `tfjs-solver train`, in-process through main(): the built-in MLP trains on MNIST, fills the
// output folder, reports JSON; the saved model scores what the run reported; --resume continues.

const root: string = mkdtempSync(join(tmpdir(), 'train-cli-'));
const dir: string = join(root, 'run');
const small: string[] = [
  'SOLVER.MAX_ITER',
  '30',
  'SOLVER.STEPS',
  '[20]',
  'SOLVER.WARMUP_ITERS',
  '5',
  'SOLVER.CHECKPOINT_PERIOD',
  '10',
  'SOLVER.IMS_PER_BATCH',
  '16',
  'SOLVER.BASE_LR',
  '0.05',
  'DEMO.NUM_SAMPLES',
  '128',
  'DEMO.HIDDEN_UNITS',
  '8',
  'TRAIN.LOG_PERIOD',
  '10',
  'TRAIN.EVAL_PERIOD',
  '10',
  'TRAIN.EMA_ENABLED',
  'true',
  'TRAIN.EMA_DECAY',
  '0.9',
  'SEED',
  '3',
];

async function train(outputDir: string, ...extra: string[]): Promise<{ code: number; streams: CapturedStreams; result: TrainingResult }> {
  const streams: CapturedStreams = captureStreams();
  const code: number = await main(['train', '--backend', 'cpu', '--json', ...extra, '--opts', ...small, 'OUTPUT_DIR', outputDir], streams);
  return { code, streams, result: (code === 0 ? JSON.parse(streams.out()) : null) as TrainingResult };
}

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('tfjs-solver train', () => {
  const before: number = tf.memory().numTensors;
  let first: TrainingResult;

  describe('having a 30-iteration MNIST config', () => {
    it('should train, print the result as JSON, and fill the output folder', async () => {
      const { code, streams, result } = await train(dir);
      expect(streams.err()).not.toContain('error');
      expect(code).toBe(0);
      // One end summary: the timer's own "trained N iterations in X s" line is not printed.
      expect(`${streams.out()}${streams.err()}`).not.toMatch(/trained \d+ iterations in/);
      first = result;
      expect(result).toMatchObject({
        backend: 'cpu',
        seed: 3,
        startIter: 0,
        iteration: 30,
        maxIter: 30,
        interrupted: false,
        outputDir: dir,
      });
      expect(result.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      const lines = readFileSync(join(dir, 'metrics.json'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { iteration: number; 'eval/accuracy'?: number });
      const evals = lines.filter((l) => l['eval/accuracy'] !== undefined);
      expect(evals.map((l) => l.iteration)).toEqual([9, 19, 29]);
      // ...but it still times every step.
      expect(lines.filter((l) => 'time' in l).map((l) => l.iteration)).toEqual([9, 19, 29]);
      expect(evals[2]?.['eval/accuracy']).toBe(result.heldOutAccuracy);
      expect(readdirSync(dir).sort()).toEqual([
        'config.yaml',
        'last_checkpoint',
        'metrics.json',
        'model',
        'model_0000010.ckpt',
        'model_0000020.ckpt',
        'model_best.ckpt',
        'model_final.ckpt',
        'plots',
      ]);
      expect(readdirSync(join(dir, 'plots')).sort()).toEqual(['accuracy.png', 'accuracy.svg', 'loss.png', 'loss.svg', 'lr.png', 'lr.svg']);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('should save config.yaml that loads back to the config the run used', async () => {
      const saved = await loadConfig(join(dir, 'config.yaml'), []);
      expect(saved).toMatchObject({ SEED: 3, OUTPUT_DIR: dir, TRAIN: { EVAL_PERIOD: 10, EMA_DECAY: 0.9 } });
      expect(saved.SOLVER.MAX_ITER).toBe(30);
    });

    it('should save a model that tf.loadLayersModel loads and that scores the reported held-out accuracy', async () => {
      const model = await tf.loadLayersModel(modelFiles(join(dir, 'model', 'model.json')));
      const { train: trainPart, heldOut } = await loadMnist();
      const output: tf.Tensor = model.predict(heldOut.xs) as tf.Tensor;
      const predicted: Float32Array = output.dataSync() as Float32Array;
      output.dispose();
      const labels: Float32Array = heldOut.ys.dataSync() as Float32Array;
      let correct: number = 0;
      for (let row = 0; row < 2000; row++) {
        const scores: number[] = Array.from(predicted.subarray(row * 10, row * 10 + 10));
        const truth: number = Array.from(labels.subarray(row * 10, row * 10 + 10)).indexOf(1);
        if (scores.indexOf(Math.max(...scores)) === truth) correct += 1;
      }
      expect(correct / 2000).toBeCloseTo(first.heldOutAccuracy ?? NaN, 10);
      model.dispose();
      tf.dispose([trainPart.xs, trainPart.ys, heldOut.xs, heldOut.ys]);
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  describe('having the same SEED twice, and another SEED', () => {
    it('should give the same fingerprint for the same seed and another for another seed', async () => {
      const again = await train(join(root, 'again'), '--no-plots');
      expect(again.result.fingerprint).toBe(first.fingerprint);
      expect(again.result.heldOutAccuracy).toBe(first.heldOutAccuracy);
      small[small.indexOf('SEED') + 1] = '4';
      const other = await train(join(root, 'other'), '--no-plots');
      small[small.indexOf('SEED') + 1] = '3';
      expect(other.result.fingerprint).not.toBe(first.fingerprint);
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  describe('when resuming after the final checkpoint was damaged', () => {
    it('should skip it with a warning and continue from iteration 20 to the same weights', async () => {
      writeFileSync(join(dir, 'model_final.ckpt'), 'torn');
      writeFileSync(join(dir, 'last_checkpoint'), 'model_final.ckpt\n');
      const { code, streams, result } = await train(dir, '--resume', '--no-plots');
      expect(code).toBe(0);
      expect(streams.err()).toContain(`skipping checkpoint ${dir}/model_final.ckpt: not a tfjs-solver checkpoint`);
      expect(result.startIter).toBe(20);
      expect(result.fingerprint).toBe(first.fingerprint);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
