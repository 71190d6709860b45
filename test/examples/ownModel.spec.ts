import { afterAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { TrainingResult } from '../../src/cli/output.js';
import { type CapturedStreams, captureStreams } from '../cli/captureStreams.js';

// examples/ownModel: `tfjs-solver train --model model.mjs --data data.mjs`, your model and data
// with our solver (detectron2's train_net.py), run through the CLI as a user would.

const dir: string = mkdtempSync(join(tmpdir(), 'own-model-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('examples/ownModel', () => {
  describe('when trained with train --model --data', () => {
    it('should train the module model on the module data and score its held-out set', async () => {
      const before: number = tf.memory().numTensors;
      const streams: CapturedStreams = captureStreams();
      const opts: string[] = ['SOLVER.MAX_ITER', '48', 'SOLVER.WARMUP_ITERS', '4', 'SOLVER.STEPS', '[40]', 'SOLVER.BASE_LR', '0.05'];
      const code: number = await main(
        [
          'train',
          '--backend',
          'cpu',
          '--json',
          '--no-plots',
          '--model',
          'examples/ownModel/model.mjs',
          '--data',
          'examples/ownModel/data.mjs',
        ].concat(['--opts', ...opts, 'SOLVER.IMS_PER_BATCH', '32', 'SOLVER.CHECKPOINT_PERIOD', '32', 'OUTPUT_DIR', dir, 'SEED', '1']),
        streams,
      );
      expect(streams.err()).not.toContain('tfjs-solver:');
      expect(code).toBe(0);
      const result = JSON.parse(streams.out()) as TrainingResult;
      // 48 iterations of 32 = 1.5 passes over the 1,024 training samples (the dataset restarts).
      expect(result).toMatchObject({ iteration: 48, interrupted: false });
      // Ten well separated patterns: a model that learned nothing scores about 10%.
      expect(result.heldOutAccuracy).toBeGreaterThan(0.9);
      expect(readdirSync(join(dir, 'model')).sort()).toEqual(['model.json', 'weights.bin']);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
