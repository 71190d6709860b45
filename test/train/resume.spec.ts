import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { Container } from 'inversify';
import { buildDemoModel, type SpiralData, twoSpirals } from '../fixtures/twoSpirals.js';
import { parseConfig } from '../../src/config/load.js';
import type { SolverConfig } from '../../src/config/schema.js';
import { createSolver, type Solver } from '../../src/di/Solver.js';
import { solverModule, TOKENS } from '../../src/di/solverModule.js';
import type { HookContext } from '../../src/hooks/Hook.js';
import { ShuffledBatches } from '../../src/train/data.js';
import { layersModelLoss } from '../../src/train/Trainer.js';
import { MemoryFileStore } from '../hooks/memoryFileStore.js';

const MAX_ITER: number = 12;

function configFor(period: number): SolverConfig {
  return parseConfig(
    {
      SOLVER: {
        MAX_ITER,
        BASE_LR: 0.1,
        MOMENTUM: 0.9,
        WARMUP_ITERS: 4,
        STEPS: [8],
        CHECKPOINT_PERIOD: period,
        IMS_PER_BATCH: 8,
        WEIGHT_DECAY_NORM: 0,
        CLIP_GRADIENTS: { ENABLED: true, CLIP_TYPE: 'full_model', CLIP_VALUE: 1 },
      },
      TRAIN: { LOG_PERIOD: 5, EMA_ENABLED: true, EMA_DECAY: 0.9 },
      OUTPUT_DIR: 'out',
      SEED: 5,
    },
    'test',
  );
}

interface RunResult {
  readonly weights: Float32Array[];
  readonly ema: Float32Array[];
  readonly lrs: number[];
}

class Stop extends Error {}

/** Trains a fresh demo model from a fresh container; `stopAt` aborts before that iteration. */
async function run(data: SpiralData, files: MemoryFileStore, period: number, resume: boolean, stopAt?: number): Promise<RunResult> {
  const model: tf.Sequential = buildDemoModel(6, 5);
  const container: Container = new Container();
  container.load(solverModule(configFor(period)));
  container.bind(TOKENS.Model).toConstantValue(model);
  container.bind(TOKENS.FileStore).toConstantValue(files);
  const lrs: number[] = [];
  container.bind(TOKENS.Hook).toConstantValue({
    beforeStep: (ctx: HookContext): void => {
      if (ctx.iteration === stopAt) throw new Stop(`stopped at ${stopAt}`);
    },
    afterStep: (ctx: HookContext): void => {
      lrs.push(ctx.storage.latest('lr') ?? Number.NaN);
    },
  });
  const solver: Solver = await createSolver(container, { resume });
  const batches: ShuffledBatches = new ShuffledBatches({ xs: data.xs, ys: data.ys, batchSize: 8, seed: 5 });
  const trainer = solver.trainer(batches, layersModelLoss(model, tf.losses.sigmoidCrossEntropy));
  await trainer.train().catch((error: unknown) => {
    if (!(error instanceof Stop)) throw error;
  });
  const result: RunResult = {
    weights: model.weights.map((w) => Float32Array.from(w.read().dataSync())),
    ema: container
      .get<{ state(): { tensor: tf.Tensor }[] }>(TOKENS.WeightEma)
      .state()
      .map((t) => Float32Array.from(t.tensor.dataSync())),
    lrs,
  };
  container.get<{ dispose(): void }>(TOKENS.WeightEma).dispose();
  solver.optimizer.dispose();
  model.dispose();
  return result;
}

describe('resume', () => {
  let data: SpiralData;
  let uninterrupted: RunResult;
  let before: number;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
    data = twoSpirals(64, 5);
    uninterrupted = await run(data, new MemoryFileStore(), 100, false);
  });

  afterAll(() => {
    tf.dispose([data.xs, data.ys]);
    expect(tf.memory().numTensors).toBe(before);
  });

  // 4 = end of warmup, 8 = the milestone; 3, 5, 7, 9 sit around them.
  describe.each([3, 4, 5, 7, 8, 9])('having stopped after %i iterations and resumed from its checkpoint', (k: number) => {
    it('should end with bit-identical weights, EMA and LRs', async () => {
      const files: MemoryFileStore = new MemoryFileStore();
      const first: RunResult = await run(data, files, k, false, k);
      expect(first.lrs).toEqual(uninterrupted.lrs.slice(0, k));
      const second: RunResult = await run(data, files, k, true);
      expect([...first.lrs, ...second.lrs]).toEqual(uninterrupted.lrs);
      expect(second.weights.map((w) => Array.from(w))).toEqual(uninterrupted.weights.map((w) => Array.from(w)));
      expect(second.ema.map((w) => Array.from(w))).toEqual(uninterrupted.ema.map((w) => Array.from(w)));
    });
  });

  describe('having the LR used at each iteration', () => {
    it('should follow warmup then the milestone (SPEC §3: linear warmup from 0.001 over 4 iterations, ×0.1 at 8)', () => {
      const expected: number[] = Array.from({ length: MAX_ITER }, (_, i) =>
        i < 4 ? 0.1 * (0.001 * (1 - i / 4) + i / 4) : i < 8 ? 0.1 : 0.1 * 0.1,
      );
      uninterrupted.lrs.forEach((lr, i) => {
        expect(lr).toBeCloseTo(expected[i]!, 12);
      });
    });
  });
});
