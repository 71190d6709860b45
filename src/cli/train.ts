import * as tf from '@tensorflow/tfjs';
import { Container } from 'inversify';
import type { SolverConfig } from '../config/schema.js';
import { createSolver, type Solver } from '../di/Solver.js';
import { resolve, solverModule, TOKENS } from '../di/solverModule.js';
import { SolverError } from '../errors.js';
import { periodicCheckpointName } from '../hooks/checkpointCodec.js';
import type { Checkpointer } from '../hooks/Checkpointer.js';
import {
  BestCheckpointer,
  type ClassifierOutput,
  classifierMetrics,
  classifierOutput,
  crossEntropy,
  EvalHook,
  type EvalResults,
} from '../hooks/evaluation.js';
import type { Hook, HookContext } from '../hooks/Hook.js';
import { IterationTimer } from '../hooks/metrics.js';
import { formatProgressLine, type ProgressDisplay, ProgressHook, type ProgressValues } from '../hooks/ProgressHook.js';
import type { WeightEma } from '../hooks/WeightEma.js';
import type { FileStore, Logger } from '../io/interfaces.js';
import { nodeFileStore } from '../io/node.js';
import type { Batch } from '../train/data.js';
import { type DataSource, layersModelLoss } from '../train/Trainer.js';
import {
  AugmentedBatches,
  buildMnistCnn,
  buildMnistMlp,
  DatasetBatches,
  type LabeledTensors,
  loadUserData,
  loadUserModel,
  MNIST_PIXELS,
  MNIST_SIDE,
  partTensors,
  splitMnist,
} from './data.js';
import type { CliOption } from './args.js';
import type { CliCommand, CliContext } from './main.js';
import { formatTrainingSummary, type TrainingResult, weightsFingerprint, writeConfigYaml, writeRunOutputs } from './output.js';

/** Pixels a built-in MNIST digit may be shifted by in training (augmentation). */
export const MNIST_MAX_SHIFT: number = 2;

/** What a run trains: a model, its batches and, when there is held-out data, its evaluation. */
export interface TrainingJob {
  readonly model: tf.LayersModel;
  readonly batches: DataSource<Batch>;
  readonly output: ClassifierOutput;
  readonly evaluate?: () => Promise<EvalResults>;
  /** Frees the model and the data. */
  dispose(): void;
}

/** Where `train` gets its model and data: `--model` and `--data`, or the built-in MNIST. */
export interface JobSource {
  /** A `model.json` or a module exporting a model factory; none: the built-in `DEMO.MODEL`. */
  readonly model?: string;
  /** `mnist` (default) or a module exporting a dataset factory. */
  readonly data?: string;
}

function builtInModel(config: SolverConfig, seed: number): tf.LayersModel {
  return config.DEMO.MODEL === 'cnn' ? buildMnistCnn(config.DEMO.HIDDEN_UNITS, seed) : buildMnistMlp(config.DEMO.HIDDEN_UNITS, seed);
}

/** Held-out batches of at most 500 digits (bounded memory for convolutional models); disposes `data`. */
function chunks(data: LabeledTensors, size: number = 500): { xs: tf.Tensor; ys: tf.Tensor }[] {
  const n: number = data.xs.shape[0];
  const parts: { xs: tf.Tensor; ys: tf.Tensor }[] = [];
  for (let start = 0; start < n; start += size) {
    const count: number = Math.min(size, n - start);
    parts.push({ xs: data.xs.slice(start, count), ys: data.ys.slice(start, count) });
  }
  tf.dispose([data.xs, data.ys]);
  return parts;
}

async function mnistJob(model: tf.LayersModel, config: SolverConfig, seed: number): Promise<TrainingJob> {
  const rank: number = model.inputs[0]?.shape.length ?? 2;
  const width: number = model.inputs[0]?.shape[1] ?? MNIST_PIXELS;
  if (!((rank === 2 && width === MNIST_PIXELS) || rank === 4)) {
    throw new SolverError(
      'argument',
      `--data mnist: the model's input is [${model.inputs[0]?.shape.join(', ')}], expected [null, 784] or [null, 28, 28, 1]`,
    );
  }
  const split = await splitMnist({ limit: { train: config.DEMO.NUM_SAMPLES } });
  const shape: 'flat' | 'image' = rank === 4 ? 'image' : 'flat';
  const heldOut: { xs: tf.Tensor; ys: tf.Tensor }[] = chunks(partTensors(split.heldOut, shape));
  const output: ClassifierOutput = classifierOutput(model);
  return {
    model,
    output,
    batches: new AugmentedBatches({
      pixels: split.train.pixels,
      labels: split.train.labels,
      batchSize: config.SOLVER.IMS_PER_BATCH,
      seed,
      maxShift: MNIST_MAX_SHIFT,
      inputShape: shape === 'flat' ? [MNIST_PIXELS] : [MNIST_SIDE, MNIST_SIDE, 1],
    }),
    evaluate: async () => classifierMetrics(model, heldOut, output),
    dispose: () => {
      model.dispose();
      tf.dispose(heldOut.flatMap((part) => [part.xs, part.ys]));
    },
  };
}

/**
 * Builds what a run trains: the model (`--model`, else the built-in `DEMO.MODEL`) and the data
 * (`--data`, else the built-in MNIST split with shift augmentation).
 * @throws SolverError kind `argument` for a model or data that cannot be loaded or do not fit.
 */
export async function prepareJob(config: SolverConfig, seed: number, source: JobSource = {}): Promise<TrainingJob> {
  const factory = { seed, batchSize: config.SOLVER.IMS_PER_BATCH };
  const model: tf.LayersModel = source.model === undefined ? builtInModel(config, seed) : await loadUserModel(source.model, factory);
  try {
    if (source.data === undefined || source.data === 'mnist') return await mnistJob(model, config, seed);
    const data = await loadUserData(source.data, factory);
    const output: ClassifierOutput = classifierOutput(model);
    const held = data.eval;
    return {
      model,
      output,
      batches: new DatasetBatches(data.train),
      ...(held === undefined ? {} : { evaluate: async () => classifierMetrics(model, held, output) }),
      dispose: () => {
        model.dispose();
      },
    };
  } catch (error: unknown) {
    model.dispose();
    throw error;
  }
}

/**
 * A {@link ProgressDisplay} drawn as one line on a terminal stream (stderr, so stdout stays clean),
 * redrawn in place at most 10 times a second and only when the hook updates it (no timer), so
 * nothing is drawn after `stop()`, which ends the line. See `formatProgressLine`.
 *
 * @param stream where to draw; must be a TTY (the train command checks).
 * @param now the clock in milliseconds (tests pass their own).
 */
export function terminalProgressDisplay(
  stream: { write(text: string): unknown; readonly columns?: number },
  now: () => number = () => performance.now(),
): ProgressDisplay {
  let total: number = 0;
  let first: { value: number; at: number } = { value: 0, at: 0 };
  let lastDraw: number = -Infinity;
  let drawn: boolean = false;
  const draw = (value: number, values: ProgressValues, force: boolean): void => {
    const at: number = now();
    if (!force && at - lastDraw < 100) return;
    lastDraw = at;
    const seconds: number = (at - first.at) / 1000;
    const rate: number | undefined = seconds > 0 && value > first.value ? (value - first.value) / seconds : undefined;
    const width: number = Math.max(20, (stream.columns ?? 80) - 1);
    stream.write(`\r${formatProgressLine({ value, total, rate, loss: values.loss, lr: values.lr }, width)}\u001b[K`);
    drawn = true;
  };
  let lastValue: number = 0;
  let lastValues: ProgressValues = { lr: undefined, loss: undefined };
  return {
    start: (max: number, value: number, values: ProgressValues): void => {
      total = max;
      first = { value, at: now() };
      draw(value, values, true);
    },
    update: (value: number, values: ProgressValues): void => {
      lastValue = value;
      lastValues = values;
      draw(value, values, value >= total);
    },
    stop: (): void => {
      if (!drawn) return;
      draw(lastValue, lastValues, true);
      stream.write('\n');
      drawn = false;
    },
  };
}

/**
 * Stops training cleanly once `signal` is aborted (the train command aborts it on Ctrl-C): before
 * the next step it saves a checkpoint at that iteration, then throws, so `afterTrain` still runs
 * (the last metrics line is written, the progress line is finished) and `--resume` continues
 * exactly where it stopped, losing no step.
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

/** How {@link runTraining} runs. */
export interface TrainingOptions {
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
  /** Model and data; default the built-in MLP on MNIST. */
  readonly source?: JobSource;
  /** Draw progress here; none: no progress line. */
  readonly progress?: ProgressDisplay;
  /** When aborted (Ctrl-C), stop before the next step and save a checkpoint there (`interruptHook`). */
  readonly interrupt?: AbortSignal;
  /** Write plots (SVG, and PNG when the renderer is installed). Default true. */
  readonly plots?: boolean;
}

function containerFor(config: SolverConfig, model: tf.LayersModel, options: TrainingOptions): Container {
  const container: Container = new Container();
  container.load(solverModule(config));
  container.bind(TOKENS.Model).toConstantValue(model);
  container.bind(TOKENS.FileStore).toConstantValue(options.files);
  container.rebind(TOKENS.Logger).toConstantValue(options.logger);
  // The CLI ends with its own line (wall time included): the timer records step times silently.
  container.rebind(TOKENS.IterationTimer).toConstantValue(new IterationTimer());
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

function isInterruption(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && SolverError.is(error, 'state') && error.message.startsWith('interrupted before iteration');
}

/** Runs `fn` with the EMA's weights in the model (when there is an EMA), and the trained ones again after. */
async function withEma<T>(ema: WeightEma | undefined, fn: () => Promise<T>): Promise<T> {
  ema?.swap();
  try {
    return await fn();
  } finally {
    ema?.swap();
  }
}

/**
 * Trains a model with the solver the config describes, through the container, exactly as a user
 * would wire it, and fills the output folder: the `tfjs-solver train` command's work.
 *
 * Held-out evaluation runs every `TRAIN.EVAL_PERIOD` iterations and at the end (with the EMA's
 * weights when `TRAIN.EMA_ENABLED`); the best evaluation is kept as `model_best.ckpt`. At the end
 * it writes `config.yaml`, the final model (`model/model.json` + `weights.bin`, the weights that
 * were scored) and the plots.
 *
 * @param config the loaded config.
 * @param seed the resolved seed (>= 0).
 * @param options logger, files, backend name, resume flag, model and data, progress display.
 * @returns the numbers the command reports.
 * @throws SolverError from config, data, checkpoint or training errors (not for an interrupt).
 */
export async function runTraining(config: SolverConfig, seed: number, options: TrainingOptions): Promise<TrainingResult> {
  const job: TrainingJob = await prepareJob(config, seed, options.source);
  const container: Container = containerFor(config, job.model, options);
  let solver: Solver | undefined;
  try {
    solver = await createSolver(container, {
      resume: options.resume,
      resumeForeign: options.resumeForeign === true,
      overwrite: options.overwrite === true,
    });
    const ema: WeightEma | undefined = config.TRAIN.EMA_ENABLED ? container.get<WeightEma>(TOKENS.WeightEma) : undefined;
    const dir: string = config.OUTPUT_DIR;
    const evaluate = job.evaluate;
    const evalHook: EvalHook | undefined =
      evaluate === undefined
        ? undefined
        : new EvalHook({ period: config.TRAIN.EVAL_PERIOD, evaluate, files: options.files, dir, ...(ema === undefined ? {} : { ema }) });
    if (evalHook !== undefined) {
      solver.hooks.add(evalHook);
      solver.hooks.add(new BestCheckpointer(solver.checkpointer, evalHook, 'eval/accuracy', 'max'));
    }
    await writeConfigYaml(options.files, dir, config);
    const startIter: number = solver.startIter;
    const loss = layersModelLoss(job.model, (ys: tf.Tensor, output: tf.Tensor) => crossEntropy(ys, output, job.output));
    const started: number = performance.now();
    let interrupted: boolean = false;
    if (startIter < config.SOLVER.MAX_ITER) {
      try {
        await solver.trainer(job.batches, loss).train();
      } catch (error: unknown) {
        if (!isInterruption(error, options.interrupt)) throw error;
        interrupted = true;
      }
    }
    const seconds: number = (performance.now() - started) / 1000;
    const iteration: number = solver.startIter;
    const latest = evalHook?.latest;
    const scored: EvalResults | undefined =
      latest !== undefined && latest.iteration === iteration - 1
        ? { accuracy: latest.results['eval/accuracy'] ?? NaN, loss: latest.results['eval/loss'] ?? NaN }
        : evaluate === undefined
          ? undefined
          : await withEma(ema, evaluate);
    const fingerprint: string = await withEma(ema, async () => {
      if (!interrupted)
        await writeRunOutputs(job.model, config, {
          files: options.files,
          dir,
          plots: options.plots ?? true,
          logger: options.logger,
          groups: solver?.optimizer.paramGroups ?? [],
        });
      return weightsFingerprint(job.model);
    });
    return {
      backend: options.backend,
      seed,
      startIter,
      iteration,
      maxIter: config.SOLVER.MAX_ITER,
      interrupted,
      heldOutAccuracy: scored?.accuracy ?? null,
      heldOutLoss: scored?.loss ?? null,
      seconds,
      fingerprint,
      outputDir: dir,
    };
  } finally {
    await solver?.close();
    solver?.optimizer.dispose();
    if (config.TRAIN.EMA_ENABLED && solver !== undefined) container.get<{ dispose(): void }>(TOKENS.WeightEma).dispose();
    job.dispose();
  }
}

/**
 * Whether `tfjs-solver train` draws its progress line: only on a terminal, and never with
 * `--json` (stdout then carries one JSON document, and a line on stderr would still be noise
 * for the machine reading both).
 *
 * @param json `--json` was given.
 * @param stream the stream the line would go to (stderr).
 */
export function shouldDrawProgress(json: boolean, stream: { readonly isTTY?: boolean }): boolean {
  return !json && stream.isTTY === true;
}

/** The flags of `train` besides the common ones. */
export const TRAIN_OPTIONS: readonly CliOption[] = Object.freeze([
  { flag: 'resume', description: 'continue from the newest intact checkpoint in OUTPUT_DIR' },
  { flag: 'resume-foreign', description: 'with --resume: accept a checkpoint another run wrote (other config or SEED)' },
  { flag: 'overwrite', description: "delete a previous run's checkpoints and metrics in OUTPUT_DIR and start over" },
  {
    flag: 'model',
    value: 'file',
    description: 'your model: a model.json, or a .js/.ts module exporting a model factory (default: the built-in DEMO.MODEL)',
  },
  { flag: 'data', value: 'source', description: 'your data: a .js/.ts module exporting a tf.data.Dataset factory, or mnist (default)' },
  { flag: 'no-plots', description: 'do not draw the plots of the run' },
]);

/**
 * `tfjs-solver train`: trains a model (built-in: an MLP with BatchNorm on real MNIST digits) with
 * the solver the config describes, writing the output folder (docs/output.md). `--resume`
 * continues from the newest intact checkpoint; Ctrl-C stops before the next step, saves a
 * checkpoint there and prints the summary. A progress line goes to stderr when it is a terminal
 * and `--json` is off; `--json` prints the result document.
 */
export const trainCommand: CliCommand = {
  name: 'train',
  description: 'train a model (default: an MLP on MNIST) with the configured solver, writing checkpoints, metrics, plots',
  options: TRAIN_OPTIONS,
  async run(context: CliContext, options: Readonly<Record<string, unknown>>): Promise<number> {
    const config = await context.loadConfig();
    const backend: string = await context.selectBackend();
    const seed: number = config.SEED >= 0 ? config.SEED : Math.floor(Math.random() * 2 ** 31);
    if (config.SEED < 0) context.logger.warn(`SEED is ${config.SEED}: picked seed ${seed}; set SEED to resume exactly`);
    const showLine: boolean = shouldDrawProgress(context.json, process.stderr);
    // Ctrl-C once: stop before the next step with a checkpoint there; twice: Node's default exit.
    const interrupt: AbortController = new AbortController();
    const onInterrupt = (): void => {
      interrupt.abort();
    };
    process.once('SIGINT', onInterrupt);
    try {
      const source: JobSource = {
        ...(typeof options.model === 'string' ? { model: options.model } : {}),
        ...(typeof options.data === 'string' ? { data: options.data } : {}),
      };
      const result: TrainingResult = await runTraining(config, seed, {
        logger: context.logger,
        files: nodeFileStore,
        backend,
        resume: options.resume === true,
        resumeForeign: options.resumeForeign === true,
        overwrite: options.overwrite === true,
        source,
        interrupt: interrupt.signal,
        plots: options.noPlots !== true,
        ...(showLine ? { progress: terminalProgressDisplay(process.stderr) } : {}),
      });
      context.output(formatTrainingSummary(result), result);
      return result.interrupted ? 130 : 0;
    } finally {
      process.removeListener('SIGINT', onInterrupt);
    }
  },
};
