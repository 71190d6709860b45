import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { Container, injectable } from 'inversify';
import { createSolver, type Solver } from '../../src/di/Solver.js';
import { solverModule, TOKENS } from '../../src/di/solverModule.js';
import type { Hook, HookContext } from '../../src/hooks/Hook.js';
import { IterationTimer } from '../../src/hooks/metrics.js';
import { buildGradientClipper, type ClipOutcome, type Clipper } from '../../src/optim/clip.js';
import { MemoryFileStore } from '../hooks/memoryFileStore.js';
import { smallConfig, smallData, smallModel } from './smallModel.js';

@injectable()
class CountingClipper implements Clipper {
  public static calls: number = 0;
  private readonly measure = buildGradientClipper({ clipType: 'none' });
  public clip(grads: tf.NamedTensorMap): ClipOutcome {
    CountingClipper.calls += 1;
    // Nothing clipped; the statistics (norm, finite) measured by a built-in clipper.
    return this.measure.clip(grads);
  }
}

function containerFor(model: tf.LayersModel, files: MemoryFileStore, config = smallConfig()): Container {
  const container: Container = new Container();
  container.load(solverModule(config));
  container.bind(TOKENS.Model).toConstantValue(model);
  container.bind(TOKENS.FileStore).toConstantValue(files);
  return container;
}

describe(solverModule, () => {
  let before: number;
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  const models: tf.LayersModel[] = [];
  const solvers: Solver[] = [];

  beforeEach(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
    data = smallData();
  });

  afterEach(() => {
    for (const solver of solvers.splice(0)) solver.optimizer.dispose();
    for (const model of models.splice(0)) model.dispose();
    tf.dispose([data.xs, data.ys]);
    expect(tf.memory().numTensors).toBe(before);
  });

  async function fitWith(container: Container, model: tf.LayersModel): Promise<Solver> {
    const solver: Solver = await createSolver(container);
    solvers.push(solver);
    model.compile({ optimizer: solver.optimizer, loss: 'meanSquaredError' });
    await solver.fit(model, data.xs, data.ys, { epochs: 3, batchSize: 4, shuffle: false });
    return solver;
  }

  describe('having the Clipper replaced with one rebind', () => {
    it('should use the user clipper in every fit step (8 steps: 2 epochs of 4 batches, stopped at MAX_ITER)', async () => {
      const model: tf.LayersModel = smallModel();
      models.push(model);
      const container: Container = containerFor(model, new MemoryFileStore());
      container.rebind(TOKENS.Clipper).to(CountingClipper).inSingletonScope();
      CountingClipper.calls = 0;
      const solver: Solver = await fitWith(container, model);
      expect(CountingClipper.calls).toBe(8);
      expect(solver.optimizer.iterations).toBe(8);
    });
  });

  describe('having the GradientReducer rebound (the multi-worker seam)', () => {
    it('should reduce every step before the clipper: a reducer that zeroes gradients leaves the weights alone', async () => {
      const model: tf.LayersModel = smallModel();
      models.push(model);
      const container: Container = containerFor(model, new MemoryFileStore(), smallConfig({ WEIGHT_DECAY: 0, WEIGHT_DECAY_NORM: 0 }));
      let reduced: number = 0;
      container.rebind(TOKENS.GradientReducer).toConstantValue({
        reduce: (grads: tf.NamedTensorMap): tf.NamedTensorMap => {
          reduced += 1;
          return Object.fromEntries(Object.entries(grads).map(([name, grad]) => [name, tf.zerosLike(grad)]));
        },
      });
      const kernel: number[] = Array.from(model.getWeights()[0]!.dataSync());
      const solver: Solver = await fitWith(container, model);
      expect(reduced).toBe(8);
      expect(solver.optimizer.iterations).toBe(8);
      expect(Array.from(model.getWeights()[0]!.dataSync())).toEqual(kernel);
    });
  });

  describe('having a hook added with one bind', () => {
    it('should run it after the default hooks, once per step', async () => {
      const model: tf.LayersModel = smallModel();
      models.push(model);
      const container: Container = containerFor(model, new MemoryFileStore());
      const seen: string[] = [];
      const mine: Hook = {
        afterStep: (ctx: HookContext): void => {
          seen.push(`${ctx.iteration}:${ctx.storage.latest('lr')?.toFixed(6) ?? 'none'}`);
        },
      };
      container.bind(TOKENS.Hook).toConstantValue(mine);
      await fitWith(container, model);
      // LR used at iteration i (SPEC §3): 0.05 · warmup linear from 0.001 to 1 over 2 iters, then 1, ×0.1 from 6.
      const lrs: number[] = [0.05 * 0.001, 0.05 * (0.001 + 0.999 * 0.5), 0.05, 0.05, 0.05, 0.05, 0.005, 0.005];
      expect(seen).toEqual(lrs.map((lr, i) => `${i}:${lr.toFixed(6)}`));
    });
  });

  describe('having the IterationTimer rebound to one without a logger', () => {
    it('should time every step in its place among the hooks and log no summary line', async () => {
      const model: tf.LayersModel = smallModel();
      models.push(model);
      const container: Container = containerFor(model, new MemoryFileStore());
      const lines: string[] = [];
      container.rebind(TOKENS.Logger).toConstantValue({ info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) });
      const times: number[] = [];
      container.bind(TOKENS.Hook).toConstantValue({
        afterStep: (ctx: HookContext): void => {
          times.push(ctx.storage.latest('time') ?? -1);
        },
      });
      const timer = new IterationTimer();
      container.rebind(TOKENS.IterationTimer).toConstantValue(timer);
      const solver: Solver = await fitWith(container, model);
      expect(solver.hooks.list[1]).toBe(timer); // after the step guard, as the default timer
      expect(times).toHaveLength(8);
      expect(times.every((t) => t >= 0)).toBe(true);
      expect(lines.filter((l) => l.startsWith('trained '))).toEqual([]);
    });

    it('should log the summary line with the default binding', async () => {
      const model: tf.LayersModel = smallModel();
      models.push(model);
      const container: Container = containerFor(model, new MemoryFileStore());
      const lines: string[] = [];
      container.rebind(TOKENS.Logger).toConstantValue({ info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) });
      await fitWith(container, model);
      expect(lines.filter((l) => /^trained 8 iterations in /.test(l))).toHaveLength(1);
    });
  });

  describe('having two containers in one process', () => {
    it('should give each its own optimizer, scheduler and hooks', async () => {
      const modelA: tf.LayersModel = smallModel();
      const modelB: tf.LayersModel = smallModel();
      models.push(modelA, modelB);
      const containerA: Container = containerFor(modelA, new MemoryFileStore());
      const containerB: Container = containerFor(modelB, new MemoryFileStore());
      const solverA: Solver = await fitWith(containerA, modelA);
      const solverB: Solver = await createSolver(containerB);
      solvers.push(solverB);
      expect(solverB.optimizer).not.toBe(solverA.optimizer);
      expect(solverA.optimizer.iterations).toBe(8);
      expect(solverB.optimizer.iterations).toBe(0);
      expect(solverB.scheduler.current.iteration).toBe(0);
      expect(containerA.get(TOKENS.Optimizer)).toBe(solverA.optimizer);
      expect(containerA.getAll(TOKENS.Hook)).toEqual(solverA.hooks.list);
      expect(containerB.getAll(TOKENS.Hook)[0]).not.toBe(containerA.getAll(TOKENS.Hook)[0]);
    });
  });

  describe('having the Scheduler rebound to a constant LR', () => {
    it('should train with that LR instead of the config schedule', async () => {
      const model: tf.LayersModel = smallModel();
      models.push(model);
      const container: Container = containerFor(model, new MemoryFileStore());
      let iteration: number = 0;
      container
        .rebind(TOKENS.Scheduler)
        .toDynamicValue((ctx) => {
          const optimizer = ctx.get<{ setLearningRates(l: readonly number[]): void; baseLearningRates: readonly number[] }>(
            TOKENS.Optimizer,
          );
          const lrs: readonly number[] = optimizer.baseLearningRates.map(() => 0.01);
          return {
            get current() {
              return { iteration, learningRates: lrs };
            },
            apply: () => {
              optimizer.setLearningRates(lrs);
            },
            step: () => {
              iteration += 1;
              optimizer.setLearningRates(lrs);
            },
            state: () => ({ iteration }),
            loadState: () => undefined,
          };
        })
        .inSingletonScope();
      const seen: number[] = [];
      container.bind(TOKENS.Hook).toConstantValue({
        afterStep: (ctx: HookContext) => {
          seen.push(ctx.storage.latest('lr') ?? -1);
        },
      });
      await fitWith(container, model);
      expect(seen).toEqual(new Array(8).fill(0.01));
    });
  });
});
