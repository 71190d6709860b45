import { beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import type { TrainingResult } from '../../src/cli/output.js';
import { runTraining, type TrainingOptions } from '../../src/cli/train.js';
import { parseConfig } from '../../src/config/load.js';
import type { SolverConfig } from '../../src/config/schema.js';
import { silentLogger } from '../../src/io/interfaces.js';
import { MemoryFileStore } from '../hooks/memoryFileStore.js';

// Ctrl-C during `tfjs-solver train`: runTraining with an aborted signal stops before the next
// step, saves a checkpoint there, reports the interruption, and a resumed run ends with exactly
// the weights (fingerprint) and held-out accuracy of an uninterrupted one.

const config: SolverConfig = parseConfig(
  {
    SOLVER: { MAX_ITER: 12, BASE_LR: 0.05, WARMUP_ITERS: 4, STEPS: [8], CHECKPOINT_PERIOD: 5, IMS_PER_BATCH: 16 },
    TRAIN: { LOG_PERIOD: 5, EMA_ENABLED: true, EMA_DECAY: 0.9 },
    DEMO: { NUM_SAMPLES: 64, HIDDEN_UNITS: 4 },
    OUTPUT_DIR: 'out',
    SEED: 9,
  },
  'test',
);

function options(files: MemoryFileStore, resume: boolean, interrupt?: AbortSignal, onUpdate?: (done: number) => void): TrainingOptions {
  return {
    logger: silentLogger,
    files,
    backend: 'cpu',
    resume,
    plots: false,
    ...(interrupt === undefined ? {} : { interrupt }),
    progress: { start: () => undefined, update: (done: number) => onUpdate?.(done), stop: () => undefined },
  };
}

describe('runTraining interrupted (Ctrl-C)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  describe('having the signal aborted after 7 steps', () => {
    it('should save model_0000007, report the interruption, and resume to the uninterrupted weights', async () => {
      const before: number = tf.memory().numTensors;
      const straight: TrainingResult = await runTraining(config, 9, options(new MemoryFileStore(), false));
      const files: MemoryFileStore = new MemoryFileStore();
      const controller: AbortController = new AbortController();
      const stopped: TrainingResult = await runTraining(
        config,
        9,
        options(files, false, controller.signal, (done) => {
          if (done === 7) controller.abort();
        }),
      );
      expect(stopped).toMatchObject({ interrupted: true, iteration: 7, startIter: 0 });
      expect(new TextDecoder().decode(files.files.get('out/last_checkpoint'))).toBe('model_0000007.ckpt\n');
      expect(files.files.has('out/model/model.json')).toBe(false); // the final model is written only by a finished run
      const resumed: TrainingResult = await runTraining(config, 9, options(files, true, new AbortController().signal));
      expect(resumed).toMatchObject({ interrupted: false, startIter: 7, iteration: 12 });
      expect(resumed.fingerprint).toBe(straight.fingerprint);
      expect(resumed.heldOutAccuracy).toBe(straight.heldOutAccuracy);
      expect(stopped.fingerprint).not.toBe(straight.fingerprint);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
