import * as tf from '@tensorflow/tfjs';
import { Container } from 'inversify';
import type { SolverConfig } from '../../config/SolverConfig.js';
import { createSolver } from '../../di/createSolver.js';
import type { Solver } from '../../di/Solver.js';
import { solverModule } from '../../di/solverModule.js';
import { resolve } from '../../di/resolve.js';
import { TOKENS } from '../../di/TOKENS.js';
import { ProgressHook } from '../../hooks/ProgressHook.js';
import type { ProgressDisplay } from '../../hooks/ProgressDisplay.js';
import type { FileStore } from '../../io/FileStore.js';
import type { Logger } from '../../io/Logger.js';
import { buildDemoModel } from '../../train/demo/buildDemoModel.js';
import { twoSpirals, type SpiralData } from '../../train/demo/twoSpirals.js';
import { layersModelLoss } from '../../train/layersModelLoss.js';
import { ShuffledBatches } from '../../train/ShuffledBatches.js';
import type { DemoTrainingResult } from './DemoTrainingResult.js';
import { evaluateDemo } from './evaluateDemo.js';
import { interruptHook } from './interruptHook.js';

/** How {@link runDemoTraining} runs. */
export interface DemoTrainingOptions {
  readonly logger: Logger;
  readonly files: FileStore;
  /** The active backend's name (for the report). */
  readonly backend: string;
  /** Continue from the newest checkpoint in `OUTPUT_DIR`. */
  readonly resume: boolean;
  /** Draw progress here; none: no bar. */
  readonly progress?: ProgressDisplay;
  /** When aborted (Ctrl-C), stop before the next step and save a checkpoint there (`interruptHook`). */
  readonly interrupt?: AbortSignal;
}

function containerFor(config: SolverConfig, model: tf.LayersModel, options: DemoTrainingOptions): Container {
  const container: Container = new Container();
  container.load(solverModule(config));
  container.bind(TOKENS.Model).toConstantValue(model);
  container.bind(TOKENS.FileStore).toConstantValue(options.files);
  container.rebind(TOKENS.Logger).toConstantValue(options.logger);
  if (options.progress !== undefined) container.bind(TOKENS.Hook).toConstantValue(new ProgressHook(options.progress));
  const signal: AbortSignal | undefined = options.interrupt;
  if (signal !== undefined) {
    container.bind(TOKENS.Hook).toDynamicValue((ctx) => interruptHook(signal, resolve(ctx, TOKENS.Checkpointer))).inSingletonScope();
  }
  return container;
}

async function train(solver: Solver, model: tf.LayersModel, data: SpiralData, config: SolverConfig, seed: number): Promise<number> {
  const batches: ShuffledBatches = new ShuffledBatches({ xs: data.xs, ys: data.ys, batchSize: config.SOLVER.IMS_PER_BATCH, seed });
  const started: number = performance.now();
  await solver.trainer(batches, layersModelLoss(model, tf.losses.sigmoidCrossEntropy)).train();
  return (performance.now() - started) / 1000;
}

/**
 * Trains the demo (two spirals, `buildDemoModel`) with the solver the config describes, through
 * the container, exactly as a user would wire it: the `tfjs-solver train` command's work.
 *
 * @param config the loaded config (`SOLVER`, `TRAIN`, `DEMO`, `OUTPUT_DIR`, `SEED`).
 * @param seed the resolved seed (>= 0).
 * @param options logger, files, backend name, resume flag, progress display.
 * @returns the numbers the command reports.
 * @throws SolverError from config, checkpoint or training errors.
 */
export async function runDemoTraining(config: SolverConfig, seed: number, options: DemoTrainingOptions): Promise<DemoTrainingResult> {
  const data: SpiralData = twoSpirals(config.DEMO.NUM_SAMPLES, seed);
  const model: tf.Sequential = buildDemoModel(config.DEMO.HIDDEN_UNITS, seed);
  const container: Container = containerFor(config, model, options);
  let solver: Solver | undefined;
  try {
    solver = await createSolver(container, { resume: options.resume });
    const startIter: number = solver.startIter;
    const initial = await evaluateDemo(model, data);
    const seconds: number = startIter < config.SOLVER.MAX_ITER ? await train(solver, model, data, config, seed) : 0;
    const final = await evaluateDemo(model, data);
    return {
      backend: options.backend,
      seed,
      startIter,
      maxIter: config.SOLVER.MAX_ITER,
      initialLoss: initial.loss,
      finalLoss: final.loss,
      accuracy: final.accuracy,
      seconds,
      outputDir: config.OUTPUT_DIR,
    };
  } finally {
    solver?.optimizer.dispose();
    if (config.TRAIN.EMA_ENABLED && solver !== undefined) container.get<{ dispose(): void }>(TOKENS.WeightEma).dispose();
    model.dispose();
    tf.dispose([data.xs, data.ys]);
  }
}
