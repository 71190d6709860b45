import { describe, expect, it } from '@jest/globals';
import { type DemoTrainingResult, formatTrainingSummary } from '../../src/cli/train.js';

const result: DemoTrainingResult = {
  backend: 'wasm',
  seed: 42,
  startIter: 200,
  maxIter: 300,
  initialLoss: 0.5,
  finalLoss: 0.25,
  accuracy: 0.9,
  seconds: 2.04,
  outputDir: 'out',
};

describe(formatTrainingSummary, () => {
  describe('having resumed at 200 of 300', () => {
    it('should name the range trained and its length', () => {
      expect(formatTrainingSummary(result).split('\n')).toEqual([
        'trained iterations 200..299 (100) on wasm in 2.0 s (seed 42)',
        'loss 0.5000 -> 0.2500, accuracy 90.0%',
        'checkpoints and metrics.json in out',
      ]);
    });
  });

  describe('having resumed from the final checkpoint (startIter = MAX_ITER)', () => {
    it('should say there was nothing to train, not an empty range', () => {
      expect(formatTrainingSummary({ ...result, startIter: 300, seconds: 0 }).split('\n')[0]).toBe(
        'nothing to train: resumed at iteration 300 = SOLVER.MAX_ITER 300 on wasm in 0.0 s (seed 42)',
      );
    });
  });
});
