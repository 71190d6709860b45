import { describe, expect, it } from '@jest/globals';
import { defaultCliServices } from '../../src/cli/main.js';
import type { Logger } from '../../src/io/interfaces.js';

const logger: Logger & { warnings: string[] } = {
  warnings: [],
  info: () => undefined,
  warn(message: string) {
    this.warnings.push(message);
  },
};

describe('defaultCliServices', () => {
  describe('when loadConfig is called with --config and --opts', () => {
    it('should read the file, apply the overrides and warn about foreign sections', async () => {
      const config = await defaultCliServices.loadConfig(
        'test/fixtures/config/COCO-Detection/faster_rcnn_R_50_FPN_1x.yaml',
        ['SOLVER.MAX_ITER', '100', 'TRAIN.BACKEND', 'cpu'],
        logger,
      );
      expect(config.SOLVER.MAX_ITER).toBe(100);
      expect(config.SOLVER.BASE_LR).toBe(0.02);
      expect(config.TRAIN.BACKEND).toBe('cpu');
      expect(logger.warnings.at(-1)).toMatch(/^ignored keys that belong to other tools: MODEL, DATASETS, INPUT, VERSION/);
    });
  });

  describe('when loadConfig is called without --config', () => {
    it('should apply the overrides to the defaults', async () => {
      const config = await defaultCliServices.loadConfig(undefined, ['SOLVER.STEPS', '(1, 2)'], logger);
      expect(config.SOLVER.STEPS).toEqual([1, 2]);
      expect(config.SOLVER.MAX_ITER).toBe(40000);
    });

    it('should name --opts in errors', async () => {
      await expect(defaultCliServices.loadConfig(undefined, ['SOLVER.GAMMA', '-1'], logger)).rejects.toThrow(
        'SOLVER.GAMMA: got -1, expected a finite number > 0 (in --opts)',
      );
    });
  });
});

describe('defaultCliServices.selectBackend', () => {
  describe("having 'cpu'", () => {
    it('should activate it and resolve to its name, logging the choice', async () => {
      const lines: string[] = [];
      const name = await defaultCliServices.selectBackend('cpu', { info: (m: string) => lines.push(m), warn: () => undefined });
      expect(name).toBe('cpu');
      expect(lines).toEqual(['backend: cpu (@tensorflow/tfjs, pure JavaScript)']);
    });
  });
});
