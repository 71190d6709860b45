import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { Container } from 'inversify';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSolver, type Solver } from '../../src/di/Solver.js';
import { solverModule, TOKENS } from '../../src/di/solverModule.js';
import { SolverError } from '../../src/errors.js';
import { lockedRunConfig, smallData, smallModel } from './smallModel.js';

describe('createSolver output switch', () => {
  let before: number;
  let model: tf.Sequential;
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  let infos: string[];
  let container: Container;
  const dir: string = join(tmpdir(), `never-written-${process.pid}`);

  beforeEach(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
    model = smallModel();
    data = smallData();
    infos = [];
    container = new Container();
    container.load(solverModule(lockedRunConfig(dir)));
    container.bind(TOKENS.Model).toConstantValue(model);
    container.rebind(TOKENS.Logger).toConstantValue({
      info: (message: string): void => {
        infos.push(message);
      },
      warn: (): void => undefined,
    });
  });

  afterEach(() => {
    model.dispose();
    tf.dispose([data.xs, data.ys]);
    expect(tf.memory().numTensors).toBe(before);
  });

  describe("having output: 'memory'", () => {
    it('should train with checkpoints and metrics in memory, write nothing to disk, and say so', async () => {
      const solver: Solver = await createSolver(container, { output: 'memory' });
      model.compile({ optimizer: solver.optimizer, loss: 'meanSquaredError' });
      await solver.fit(model, data.xs, data.ys, { epochs: 5, batchSize: 4 });
      const files = container.get<{ list(dir: string): Promise<string[]> }>(TOKENS.FileStore);
      expect((await files.list(dir)).sort()).toEqual([
        'last_checkpoint',
        'metrics.json',
        'model_0000005.ckpt',
        'model_0000010.ckpt',
        'model_0000015.ckpt',
        'model_final.ckpt',
      ]);
      expect(existsSync(dir)).toBe(false);
      expect(infos).toContain(
        `output: checkpoints and metrics.json go to ${dir} in the bound file store (in memory: nothing is written to disk)`,
      );
      solver.optimizer.dispose();
    });
  });

  describe('having both resume and overwrite', () => {
    it('should refuse before touching anything', async () => {
      const error: unknown = await createSolver(container, { resume: true, overwrite: true }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(SolverError.is(error, 'argument')).toBe(true);
      expect(existsSync(dir)).toBe(false);
    });
  });
});
