import { beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { type DemoTrainingOptions, type DemoTrainingResult, runDemoTraining } from '../../src/cli/train.js';
import { parseConfig } from '../../src/config/load.js';
import type { SolverConfig } from '../../src/config/schema.js';
import { silentLogger } from '../../src/io/interfaces.js';
import { MemoryFileStore } from '../hooks/memoryFileStore.js';

// Ctrl-C during `tfjs-solver train`: runDemoTraining with an aborted signal stops before the next
// step, saves a checkpoint there, and a resumed run ends exactly where an uninterrupted one does.

const config: SolverConfig = parseConfig(
  {
    SOLVER: { MAX_ITER: 12, BASE_LR: 0.05, WARMUP_ITERS: 4, STEPS: [8], CHECKPOINT_PERIOD: 5, IMS_PER_BATCH: 16 },
    TRAIN: { LOG_PERIOD: 5 },
    DEMO: { NUM_SAMPLES: 64, HIDDEN_UNITS: 4 },
    OUTPUT_DIR: 'out',
    SEED: 9,
  },
  'test',
);

function options(files: MemoryFileStore, resume: boolean, interrupt?: AbortSignal, onUpdate?: (done: number) => void): DemoTrainingOptions {
  return {
    logger: silentLogger,
    files,
    backend: 'cpu',
    resume,
    ...(interrupt === undefined ? {} : { interrupt }),
    progress: { start: () => undefined, update: (done: number) => onUpdate?.(done), stop: () => undefined },
  };
}

describe('runDemoTraining interrupted (Ctrl-C)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  describe('having the signal aborted after 7 steps', () => {
    it('should save model_0000007 there, refuse with a message naming it, and resume to the uninterrupted result', async () => {
      const before: number = tf.memory().numTensors;
      const straight: DemoTrainingResult = await runDemoTraining(config, 9, options(new MemoryFileStore(), false));
      const files: MemoryFileStore = new MemoryFileStore();
      const controller: AbortController = new AbortController();
      const run = runDemoTraining(
        config,
        9,
        options(files, false, controller.signal, (done) => {
          if (done === 7) controller.abort();
        }),
      );
      await expect(run).rejects.toThrow('interrupted before iteration 7: saved model_0000007.ckpt; continue with --resume');
      expect(new TextDecoder().decode(files.files.get('out/last_checkpoint'))).toBe('model_0000007.ckpt\n');
      const resumed: DemoTrainingResult = await runDemoTraining(config, 9, options(files, true, new AbortController().signal));
      expect(resumed.startIter).toBe(7);
      expect(resumed.finalLoss).toBe(straight.finalLoss);
      expect(resumed.accuracy).toBe(straight.accuracy);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
