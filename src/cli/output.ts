import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { SolverConfig } from '../config/schema.js';
import { SolverError } from '../errors.js';
import type { FileStore, Logger } from '../io/interfaces.js';
import { nodeFileStore } from '../io/node.js';
import type { OptimizerGroup } from '../optim/SolverOptimizer.js';
import { buildParamScheduler } from '../sched/lrScheduler.js';
import { type ParamScheduler, whereAt } from '../sched/schedulers.js';
import { type ChartMark, type ChartSeries, lineChartSvg, PNG_INSTALL_HINT, svgToPng } from './plot.js';

// The output folder of `tfjs-solver train`: config.yaml, the final model in tfjs's format, its
// fingerprint, and the plots of the run (metrics.json and checkpoints are the hooks' files).

/**
 * sha256 (hex) of a model's weights: each variable's float32 bytes (little-endian), in the
 * model's variable order (`model.weights`). Two runs with the same seed on the same backend give
 * the same fingerprint; one changed bit gives another.
 */
export async function weightsFingerprint(model: tf.LayersModel): Promise<string> {
  const hash = createHash('sha256');
  for (const weight of model.weights) {
    const values = await weight.read().data();
    const floats: Float32Array = values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
    hash.update(new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength));
  }
  return hash.digest('hex');
}

/** `config.yaml`: the merged config the run used, as YAML (loads back with `--config`). */
export function configYaml(config: SolverConfig): string {
  return `# The merged config of this run (defaults, --config file with _BASE_, --opts).\n${stringify(config)}`;
}

/**
 * An IOHandler for `tf.loadLayersModel` and `model.save` that reads and writes a tfjs
 * `model.json` plus one `weights.bin` next to it on the local disk.
 *
 * Why ours: `@tensorflow/tfjs` has no file-system handler in Node (that is `tfjs-node`'s
 * `file://`, which this package does not need).
 *
 * @param path the `model.json` path.
 * @param files where `save` writes (default the disk); `load` reads the disk.
 * @example
 * ```ts
 * await model.save(modelFiles('output/model/model.json'));
 * const again = await tf.loadLayersModel(modelFiles('output/model/model.json'));
 * ```
 */
export function modelFiles(path: string, files: FileStore = nodeFileStore): tf.io.IOHandler {
  const directory: string = dirname(path);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const weightData: ArrayBuffer = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const json = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      await files.makeDir(directory);
      await files.writeAtomic(join(directory, 'weights.bin'), new Uint8Array(weightData));
      await files.writeAtomic(path, `${JSON.stringify(json)}\n`);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      let json: { modelTopology?: unknown; weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
      try {
        json = JSON.parse(await readFile(path, 'utf8')) as typeof json;
      } catch (error: unknown) {
        throw new SolverError('argument', `--model: cannot read ${JSON.stringify(path)}: ${(error as Error).message}`, { cause: error });
      }
      if (typeof json.modelTopology !== 'object' || json.modelTopology === null) {
        throw new SolverError('argument', `--model: ${JSON.stringify(path)} has no modelTopology (expected a tfjs model.json)`);
      }
      const manifest = json.weightsManifest ?? [];
      if (manifest.length === 0) return { modelTopology: json.modelTopology };
      const buffers: Uint8Array[] = [];
      for (const group of manifest) for (const file of group.paths) buffers.push(await readFile(join(directory, file)));
      const bytes: Uint8Array = new Uint8Array(buffers.reduce((n: number, b: Uint8Array) => n + b.length, 0));
      buffers.reduce((offset: number, b: Uint8Array) => (bytes.set(b, offset), offset + b.length), 0);
      return {
        modelTopology: json.modelTopology,
        weightSpecs: manifest.flatMap((group) => group.weights),
        weightData: bytes.buffer as ArrayBuffer,
      };
    },
  };
}

/** One line of metrics.json, as read back for the plots. */
type MetricsLine = Readonly<Record<string, number>>;

async function readMetrics(files: FileStore, dir: string): Promise<MetricsLine[]> {
  if (!(await files.list(dir)).includes('metrics.json')) return [];
  const text: string = new TextDecoder().decode(await files.readBytes(`${dir}/metrics.json`));
  const lines: MetricsLine[] = [];
  for (const line of text.split('\n')) {
    try {
      if (line.trim() !== '') lines.push(JSON.parse(line) as MetricsLine);
    } catch {
      // A torn last line (a killed run) is not plotted.
    }
  }
  return lines;
}

function seriesOf(lines: readonly MetricsLine[], key: string, name: string): ChartSeries {
  const points = lines
    .filter((l) => typeof l[key] === 'number' && typeof l.iteration === 'number')
    .map((l) => ({ x: l.iteration ?? 0, y: l[key] ?? 0 }));
  return { name, points };
}

/** The iterations worth marking on the run's charts: end of warmup and the kept milestones. */
export function scheduleMarks(config: SolverConfig): ChartMark[] {
  const { WARMUP_ITERS, MAX_ITER, LR_SCHEDULER_NAME, STEPS } = config.SOLVER;
  const marks: ChartMark[] = [];
  if (WARMUP_ITERS > 0 && WARMUP_ITERS < MAX_ITER) marks.push({ x: WARMUP_ITERS, label: `end of warmup (${WARMUP_ITERS})` });
  if (LR_SCHEDULER_NAME === 'WarmupMultiStepLR')
    for (const step of STEPS.filter((s) => s < MAX_ITER)) marks.push({ x: step, label: `milestone ${step}` });
  return marks;
}

/**
 * The LR of every parameter group against iteration: `group base LR × m(i / MAX_ITER)`, sampled
 * at about 600 iterations plus both sides of every mark (so steps are drawn as steps).
 */
export function groupLrSeries(config: SolverConfig, groups: readonly Readonly<OptimizerGroup>[]): ChartSeries[] {
  const m: ParamScheduler = buildParamScheduler(config);
  const maxIter: number = config.SOLVER.MAX_ITER;
  const at: Set<number> = new Set([maxIter - 1]);
  for (let i = 0; i < maxIter; i += Math.max(1, Math.ceil(maxIter / 600))) at.add(i);
  for (const mark of scheduleMarks(config)) at.add(mark.x - 1).add(mark.x);
  const iterations: number[] = [...at].filter((i) => i >= 0 && i < maxIter).sort((a, b) => a - b);
  return groups.map((group, k: number) => ({
    name: `group ${k}: ${group.names.length} weights, base lr ${group.baseLr}`,
    points: iterations.map((i: number) => ({ x: i, y: group.baseLr * m(whereAt(i, maxIter)) })),
  }));
}

/** Options of {@link writeRunOutputs}. */
export interface RunOutputOptions {
  /** Where the files go (`nodeFileStore` on a disk). */
  readonly files: FileStore;
  /** `OUTPUT_DIR`. */
  readonly dir: string;
  /** Draw the plots. */
  readonly plots: boolean;
  /** Where a missing PNG renderer is reported (SVGs are still written). */
  readonly logger: Logger;
  /** The optimizer's parameter groups (for the LR chart). */
  readonly groups: readonly Readonly<OptimizerGroup>[];
}

/**
 * Writes the end-of-run files into `dir`: `model/model.json` + `model/weights.bin` (the model as it
 * is now, loadable with `tf.loadLayersModel`) and, with `plots`, `plots/{loss,accuracy,lr}.{svg,png}`
 * drawn from metrics.json and the schedule.
 * @throws SolverError kind `io` when a file cannot be written.
 */
export async function writeRunOutputs(model: tf.LayersModel, config: SolverConfig, options: RunOutputOptions): Promise<void> {
  try {
    await model.save(modelFiles(`${options.dir}/model/model.json`, options.files));
  } catch (error: unknown) {
    throw new SolverError('io', `cannot write the model to ${options.dir}/model: ${(error as Error).message}`, { cause: error });
  }
  if (!options.plots) return;
  const lines: MetricsLine[] = await readMetrics(options.files, options.dir);
  const marks: ChartMark[] = scheduleMarks(config);
  const xDomain: [number, number] = [0, config.SOLVER.MAX_ITER];
  const charts: [string, string][] = [
    [
      'loss',
      lineChartSvg({
        title: 'training loss (mean over each LOG_PERIOD)',
        xLabel: 'iteration',
        yLabel: 'loss',
        series: [seriesOf(lines, 'total_loss', 'loss')],
        marks,
        xDomain,
        yFromZero: true,
      }),
    ],
    [
      'accuracy',
      lineChartSvg({
        title: 'held-out accuracy',
        xLabel: 'iteration',
        yLabel: 'accuracy',
        series: [seriesOf(lines, 'eval/accuracy', 'accuracy')],
        marks,
        xDomain,
      }),
    ],
    [
      'lr',
      lineChartSvg({
        title: 'learning rate of every parameter group',
        xLabel: 'iteration',
        yLabel: 'learning rate',
        series: groupLrSeries(config, options.groups),
        marks,
        xDomain,
        yFromZero: true,
      }),
    ],
  ];
  let pngMissing: boolean = false;
  await options.files.makeDir(`${options.dir}/plots`);
  for (const [name, svg] of charts) {
    await options.files.writeAtomic(`${options.dir}/plots/${name}.svg`, svg);
    if (pngMissing) continue;
    try {
      await options.files.writeAtomic(`${options.dir}/plots/${name}.png`, await svgToPng(svg));
    } catch (error: unknown) {
      if (!(SolverError.is(error, 'argument') && error.message === PNG_INSTALL_HINT)) throw error;
      pngMissing = true;
      options.logger.warn(`plots: SVG only; ${PNG_INSTALL_HINT}`);
    }
  }
}

/** Writes `config.yaml` (the merged config) into `dir`. @throws SolverError kind `io` when writing fails. */
export async function writeConfigYaml(files: FileStore, dir: string, config: SolverConfig): Promise<void> {
  await files.makeDir(dir);
  await files.writeAtomic(`${dir}/config.yaml`, configYaml(config));
}

/** What `tfjs-solver train` reports (the `--json` document). */
export interface TrainingResult {
  /** The backend that trained. */
  readonly backend: string;
  /** The seed used (picked and logged when `SEED` < 0). */
  readonly seed: number;
  /** The first iteration of this run (0, or where `--resume` continued). */
  readonly startIter: number;
  /** The first iteration not trained: `maxIter` when the run finished, less when interrupted. */
  readonly iteration: number;
  /** `SOLVER.MAX_ITER`. */
  readonly maxIter: number;
  /** True when Ctrl-C stopped the run (a checkpoint was saved where it stopped). */
  readonly interrupted: boolean;
  /** Held-out accuracy of the final weights (the EMA's when enabled); null without held-out data. */
  readonly heldOutAccuracy: number | null;
  /** Held-out mean cross-entropy of the same weights; null without held-out data. */
  readonly heldOutLoss: number | null;
  /** Wall-clock seconds from the first step's start to the last step's end (evaluations included). */
  readonly seconds: number;
  /** sha256 of the final weights' float32 bytes, in the model's variable order. */
  readonly fingerprint: string;
  /** Where checkpoints, metrics.json, the model and the plots went. */
  readonly outputDir: string;
}

/**
 * The end summary of `tfjs-solver train`: what was trained, the held-out accuracy, the one wall
 * time, and the weights' fingerprint; its last line is the machine-greppable result.
 */
export function formatTrainingSummary(result: TrainingResult): string {
  const accuracy: string =
    result.heldOutAccuracy === null ? 'no held-out data' : `held-out accuracy ${(100 * result.heldOutAccuracy).toFixed(2)}%`;
  const range: string =
    result.iteration === result.startIter
      ? `nothing to train: resumed at iteration ${result.startIter} of ${result.maxIter}`
      : `trained iterations ${result.startIter}..${result.iteration - 1} on ${result.backend} (seed ${result.seed})`;
  return [
    result.interrupted ? `interrupted: ${range}; continue with --resume` : range,
    `output in ${result.outputDir}`,
    `iteration ${result.iteration}/${result.maxIter}, ${accuracy}, ${result.seconds.toFixed(1)} s, weights sha256 ${result.fingerprint.slice(0, 16)}`,
  ].join('\n');
}
