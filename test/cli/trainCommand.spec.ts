import { afterAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { DemoTrainingResult } from '../../src/cli/train.js';
import { type CapturedStreams, captureStreams } from './captureStreams.js';

// `tfjs-solver train`, in-process through main(): the demo trains, writes checkpoints and
// metrics.json, reports JSON; --resume continues from the newest intact checkpoint.

const dir: string = mkdtempSync(join(tmpdir(), 'train-cli-'));
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
  'SEED',
  '3',
  'OUTPUT_DIR',
  dir,
];

async function train(...extra: string[]): Promise<{ code: number; streams: CapturedStreams }> {
  const streams: CapturedStreams = captureStreams();
  const code: number = await main(['train', '--backend', 'cpu', '--json', '--opts', ...small, ...extra], streams);
  return { code, streams };
}

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('tfjs-solver train', () => {
  const before: number = tf.memory().numTensors;

  describe('having a 30-iteration demo config', () => {
    it('should train, print the result as JSON, and write metrics.json and checkpoints', async () => {
      const { code, streams } = await train();
      expect(streams.err()).not.toContain('error');
      expect(code).toBe(0);
      const result = JSON.parse(streams.out()) as DemoTrainingResult;
      expect(result).toMatchObject({ backend: 'cpu', seed: 3, startIter: 0, maxIter: 30, outputDir: dir });
      expect(Number.isFinite(result.finalLoss) && Number.isFinite(result.initialLoss)).toBe(true);
      expect(result.accuracy).toBeGreaterThanOrEqual(0);
      const lines = readFileSync(join(dir, 'metrics.json'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { iteration: number });
      expect(lines.map((l) => l.iteration)).toEqual([9, 19, 29]);
      expect(readdirSync(dir).sort()).toEqual([
        'last_checkpoint',
        'metrics.json',
        'model_0000010.ckpt',
        'model_0000020.ckpt',
        'model_final.ckpt',
      ]);
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  describe('when resuming after the final checkpoint was damaged', () => {
    it('should skip it with a warning and continue from iteration 20', async () => {
      writeFileSync(join(dir, 'model_final.ckpt'), 'torn');
      const { code, streams } = await train('--resume');
      expect(code).toBe(0);
      expect(streams.err()).toContain(`skipping checkpoint ${dir}/model_final.ckpt: not a tfjs-solver checkpoint`);
      expect((JSON.parse(streams.out()) as DemoTrainingResult).startIter).toBe(20);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
