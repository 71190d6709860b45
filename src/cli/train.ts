import * as tf from '@tensorflow/tfjs';
import cliProgress from 'cli-progress';
import { Container } from 'inversify';
import type { SolverConfig } from '../config/schema.js';
import { createSolver, type Solver } from '../di/Solver.js';
import { resolve, solverModule, TOKENS } from '../di/solverModule.js';
import { SolverError } from '../errors.js';
import { periodicCheckpointName } from '../hooks/checkpointCodec.js';
import type { Checkpointer } from '../hooks/Checkpointer.js';
import type { Hook, HookContext } from '../hooks/Hook.js';
import { type ProgressDisplay, ProgressHook, type ProgressValues } from '../hooks/ProgressHook.js';
import type { FileStore, Logger } from '../io/interfaces.js';
import { nodeFileStore } from '../io/node.js';
import { seededRandom, ShuffledBatches } from '../train/data.js';
import { layersModelLoss } from '../train/Trainer.js';
import type { CliCommand, CliContext } from './main.js';

/**
 * The demo model: `Dense → BatchNormalization → ReLU`, twice, then `Dense(1)` giving a logit.
 * Layer names are fixed (`hidden1`, `bn1`, `hidden2`, `bn2`, `logit`) so checkpoints load into
 * a fresh build, and every initializer is seeded from `seed`, so two builds are identical.
 *
 * Why BatchNormalization: its `gamma`/`beta` form their own parameter group under
 * `WEIGHT_DECAY_NORM`, which is what the demo shows.
 *
 * @param hiddenUnits units per hidden layer (`DEMO.HIDDEN_UNITS`), an integer >= 1.
 * @param seed initializer seed (`SEED`).
 * @throws SolverError kind `config` when hiddenUnits is not an integer >= 1.
 */
export function buildDemoModel(hiddenUnits: number, seed: number): tf.Sequential {
  if (!Number.isInteger(hiddenUnits) || hiddenUnits < 1) {
    throw new SolverError('config', `DEMO.HIDDEN_UNITS: got ${hiddenUnits}, expected an integer >= 1`);
  }
  const init = (offset: number): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed: seed + offset });
  const model: tf.Sequential = tf.sequential();
  model.add(tf.layers.dense({ name: 'hidden1', units: hiddenUnits, inputShape: [2], kernelInitializer: init(1) }));
  model.add(tf.layers.batchNormalization({ name: 'bn1' }));
  model.add(tf.layers.reLU({ name: 'relu1' }));
  model.add(tf.layers.dense({ name: 'hidden2', units: hiddenUnits, kernelInitializer: init(2) }));
  model.add(tf.layers.batchNormalization({ name: 'bn2' }));
  model.add(tf.layers.reLU({ name: 'relu2' }));
  model.add(tf.layers.dense({ name: 'logit', units: 1, kernelInitializer: init(3) }));
  return model;
}

/** The demo data set: points in the plane and their class (0 or 1). */
export interface SpiralData {
  /** `[n, 2]` float32 coordinates. */
  readonly xs: tf.Tensor2D;
  /** `[n, 1]` float32 labels, 0 or 1. */
  readonly ys: tf.Tensor2D;
}

/**
 * Two interleaved spirals, one per class, with a little noise, drawn from `seed`
 * (`DEMO.NUM_SAMPLES`, `SEED`).
 *
 * Why this set: no linear model separates it, a small MLP does, so the loss visibly drops
 * within a few hundred steps; and it needs no download.
 *
 * @param numSamples total points (half per class), an integer >= 2.
 * @param seed the generator's seed.
 * @returns new tensors; the caller disposes them.
 * @throws SolverError kind `config` when numSamples is not an integer >= 2.
 */
export function twoSpirals(numSamples: number, seed: number): SpiralData {
  if (!Number.isInteger(numSamples) || numSamples < 2) {
    throw new SolverError('config', `DEMO.NUM_SAMPLES: got ${numSamples}, expected an integer >= 2`);
  }
  const next: () => number = seededRandom(seed);
  const points: Float32Array = new Float32Array(numSamples * 2);
  const labels: Float32Array = new Float32Array(numSamples);
  for (let i = 0; i < numSamples; i++) {
    const label: number = i % 2;
    const t: number = 0.25 + 2.5 * Math.PI * next();
    const sign: number = label === 0 ? 1 : -1;
    points[2 * i] = (sign * t * Math.cos(t)) / 8 + 0.05 * (next() - 0.5);
    points[2 * i + 1] = (sign * t * Math.sin(t)) / 8 + 0.05 * (next() - 0.5);
    labels[i] = label;
  }
  return { xs: tf.tensor2d(points, [numSamples, 2]), ys: tf.tensor2d(labels, [numSamples, 1]) };
}

/** What `tfjs-solver train` reports (the `--json` document). */
export interface DemoTrainingResult {
  /** The backend that trained. */
  readonly backend: string;
  /** The seed used (picked and logged when `SEED` < 0). */
  readonly seed: number;
  /** The first iteration of this run (0, or where `--resume` continued). */
  readonly startIter: number;
  /** `SOLVER.MAX_ITER`. */
  readonly maxIter: number;
  /** Mean loss over the whole demo data set before this run's first step. */
  readonly initialLoss: number;
  /** The same after the last step. */
  readonly finalLoss: number;
  /** Fraction of demo points classified correctly after training. */
  readonly accuracy: number;
  /** Wall-clock seconds of the training loop. */
  readonly seconds: number;
  /** Where checkpoints and metrics.json went. */
  readonly outputDir: string;
}

function payload(values: ProgressValues): { loss: string; lr: string } {
  return {
    loss: values.loss === undefined ? '-' : values.loss.toFixed(4),
    lr: values.lr === undefined ? '-' : values.lr.toExponential(2),
  };
}

/**
 * A {@link ProgressDisplay} drawn with `cli-progress` on a terminal stream (stderr, so stdout
 * stays clean): `train |████░░| 120/500 | ETA 4s | loss 0.4312 | lr 5.00e-2`.
 *
 * @param stream where to draw; must be a TTY (the train command checks).
 */
export function cliProgressDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'train |{bar}| {value}/{total} | ETA {eta_formatted} | loss {loss} | lr {lr}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total: number, value: number, values: ProgressValues): void => {
      bar.start(total, value, payload(values));
    },
    update: (value: number, values: ProgressValues): void => {
      bar.update(value, payload(values));
    },
    stop: (): void => {
      bar.stop();
    },
  };
}

/** Mean sigmoid cross-entropy and accuracy of `model` on all of `data` (inference mode; one sync). */
export async function evaluateDemo(model: tf.LayersModel, data: SpiralData): Promise<{ loss: number; accuracy: number }> {
  const both: tf.Tensor1D = tf.tidy(() => {
    const logits: tf.Tensor = model.predict(data.xs) as tf.Tensor;
    const loss: tf.Scalar = tf.losses.sigmoidCrossEntropy(data.ys, logits);
    const correct: tf.Scalar = tf.mean(tf.cast(tf.equal(tf.greater(logits, 0), tf.greater(data.ys, 0.5)), 'float32'));
    return tf.stack([loss, correct]) as tf.Tensor1D;
  });
  const [loss = Number.NaN, accuracy = Number.NaN] = await both.data();
  both.dispose();
  return { loss, accuracy };
}

function trainedLine(result: DemoTrainingResult): string {
  const trained: number = result.maxIter - result.startIter;
  const where: string = `on ${result.backend} in ${result.seconds.toFixed(1)} s (seed ${result.seed})`;
  if (trained <= 0) return `nothing to train: resumed at iteration ${result.startIter} = SOLVER.MAX_ITER ${result.maxIter} ${where}`;
  return `trained iterations ${result.startIter}..${result.maxIter - 1} (${trained}) ${where}`;
}

/** The human summary of `tfjs-solver train`. */
export function formatTrainingSummary(result: DemoTrainingResult): string {
  return [
    trainedLine(result),
    `loss ${result.initialLoss.toFixed(4)} -> ${result.finalLoss.toFixed(4)}, accuracy ${(100 * result.accuracy).toFixed(1)}%`,
    `checkpoints and metrics.json in ${result.outputDir}`,
  ].join('\n');
}

/**
 * Stops training cleanly once `signal` is aborted (the train command aborts it on Ctrl-C): before
 * the next step it saves a checkpoint at that iteration, then throws, so `afterTrain` still runs
 * (the last metrics line is written, the progress bar restores the cursor) and `--resume`
 * continues exactly where it stopped, losing no step.
 *
 * Why in `beforeStep`: there every step before this iteration is complete and none after it has
 * started, the one moment a checkpoint is exact. It costs one boolean check per step.
 *
 * @param signal aborted to request the stop.
 * @param checkpointer writes the checkpoint.
 * @returns the hook; register it last.
 */
export function interruptHook(signal: AbortSignal, checkpointer: Checkpointer): Hook {
  return {
    async beforeStep(ctx: HookContext): Promise<void> {
      if (!signal.aborted) return;
      const name: string = periodicCheckpointName(ctx.iteration);
      await checkpointer.save(name, ctx.iteration);
      throw new SolverError('state', `interrupted before iteration ${ctx.iteration}: saved ${name}; continue with --resume`);
    },
  };
}

/** How {@link runDemoTraining} runs. */
export interface DemoTrainingOptions {
  readonly logger: Logger;
  readonly files: FileStore;
  /** The active backend's name (for the report). */
  readonly backend: string;
  /** Continue from the newest checkpoint in `OUTPUT_DIR`. */
  readonly resume: boolean;
  /** With `resume`: accept a checkpoint another run wrote. */
  readonly resumeForeign?: boolean;
  /** Delete a previous run in `OUTPUT_DIR` and start over. */
  readonly overwrite?: boolean;
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
    container
      .bind(TOKENS.Hook)
      .toDynamicValue((ctx) => interruptHook(signal, resolve(ctx, TOKENS.Checkpointer)))
      .inSingletonScope();
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
    solver = await createSolver(container, {
      resume: options.resume,
      resumeForeign: options.resumeForeign === true,
      overwrite: options.overwrite === true,
    });
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
    await solver?.close();
    solver?.optimizer.dispose();
    if (config.TRAIN.EMA_ENABLED && solver !== undefined) container.get<{ dispose(): void }>(TOKENS.WeightEma).dispose();
    model.dispose();
    tf.dispose([data.xs, data.ys]);
  }
}

/**
 * Whether `tfjs-solver train` draws its progress bar: only on a terminal, and never with
 * `--json` (stdout then carries one JSON document, and a bar on stderr would still be noise
 * for the machine reading both).
 *
 * @param json `--json` was given.
 * @param stream the stream the bar would go to (stderr).
 */
export function shouldDrawProgress(json: boolean, stream: { readonly isTTY?: boolean }): boolean {
  return !json && stream.isTTY === true;
}

/**
 * `tfjs-solver train`: trains the demo model (two spirals, Dense + BatchNormalization) with the
 * solver the config describes, writing checkpoints and `metrics.json` to `OUTPUT_DIR`
 * (docs/training.md). `--resume` continues from the newest intact checkpoint; Ctrl-C stops
 * before the next step and saves a checkpoint there (`interruptHook`). A progress bar
 * goes to stderr when it is a terminal and `--json` is off; `--json` prints the result document.
 */
export const trainCommand: CliCommand = {
  name: 'train',
  description: 'train the demo model with the configured solver, writing checkpoints and metrics',
  options: [
    { flag: 'resume', description: 'continue from the newest intact checkpoint in OUTPUT_DIR' },
    { flag: 'resume-foreign', description: 'with --resume: accept a checkpoint another run wrote (other config or SEED)' },
    { flag: 'overwrite', description: "delete a previous run's checkpoints and metrics in OUTPUT_DIR and start over" },
  ],
  async run(context: CliContext, options: Readonly<Record<string, unknown>>): Promise<number> {
    const config = await context.loadConfig();
    const backend: string = await context.selectBackend();
    const seed: number = config.SEED >= 0 ? config.SEED : Math.floor(Math.random() * 2 ** 31);
    if (config.SEED < 0) context.logger.warn(`SEED is ${config.SEED}: picked seed ${seed}; set SEED to resume exactly`);
    const showBar: boolean = shouldDrawProgress(context.json, process.stderr);
    // Ctrl-C once: stop before the next step with a checkpoint there; twice: Node's default exit.
    const interrupt: AbortController = new AbortController();
    const onInterrupt = (): void => {
      interrupt.abort();
    };
    process.once('SIGINT', onInterrupt);
    try {
      const result: DemoTrainingResult = await runDemoTraining(config, seed, {
        logger: context.logger,
        files: nodeFileStore,
        backend,
        resume: options.resume === true,
        resumeForeign: options.resumeForeign === true,
        overwrite: options.overwrite === true,
        interrupt: interrupt.signal,
        ...(showBar ? { progress: cliProgressDisplay(process.stderr) } : {}),
      });
      context.output(formatTrainingSummary(result), result);
      return 0;
    } finally {
      process.removeListener('SIGINT', onInterrupt);
    }
  },
};
