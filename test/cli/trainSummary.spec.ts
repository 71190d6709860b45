import { describe, expect, it } from '@jest/globals';
import { formatTrainingSummary, type TrainingResult } from '../../src/cli/output.js';

const result: TrainingResult = {
  backend: 'wasm',
  seed: 42,
  startIter: 200,
  iteration: 300,
  maxIter: 300,
  interrupted: false,
  heldOutAccuracy: 0.97849,
  heldOutLoss: 0.08,
  seconds: 2.04,
  fingerprint: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  outputDir: 'out',
};

describe(formatTrainingSummary, () => {
  describe('having resumed at 200 of 300', () => {
    it('should name the range trained, the folder, and end with iteration, accuracy, one wall time and the fingerprint', () => {
      expect(formatTrainingSummary(result).split('\n')).toEqual([
        'trained iterations 200..299 on wasm (seed 42)',
        'output in out',
        'iteration 300/300, held-out accuracy 97.85%, 2.0 s, weights sha256 0123456789abcdef',
      ]);
    });
  });

  describe('having been interrupted at 250', () => {
    it('should say so and how to continue', () => {
      const lines: string[] = formatTrainingSummary({ ...result, iteration: 250, interrupted: true }).split('\n');
      expect(lines[0]).toBe('interrupted: trained iterations 200..249 on wasm (seed 42); continue with --resume');
      expect(lines[2]).toBe('iteration 250/300, held-out accuracy 97.85%, 2.0 s, weights sha256 0123456789abcdef');
    });
  });

  describe('having resumed from the final checkpoint (startIter = MAX_ITER) without held-out data', () => {
    it('should say there was nothing to train, not an empty range', () => {
      const lines: string[] = formatTrainingSummary({ ...result, startIter: 300, seconds: 0, heldOutAccuracy: null }).split('\n');
      expect(lines[0]).toBe('nothing to train: resumed at iteration 300 of 300');
      expect(lines[2]).toBe('iteration 300/300, no held-out data, 0.0 s, weights sha256 0123456789abcdef');
    });
  });
});
