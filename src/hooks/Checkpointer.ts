import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../errors.js';
import { type FileStore, type Logger, silentLogger } from '../io/interfaces.js';
import {
  base64ToBytes,
  type CheckpointData,
  decodeCheckpoint,
  decodeTensors,
  encodeCheckpoint,
  type EncodedTensor,
  encodeTensors,
  FINAL_CHECKPOINT,
  LAST_CHECKPOINT_FILE,
  type NamedTensor,
  periodicCheckpointName,
  periodicIteration,
  renameByPrefix,
  type RunIdentity,
} from './checkpointCodec.js';
import type { Hook, HookContext } from './Hook.js';

/** Something whose state is plain data (the LR scheduler). */
export interface StatefulPart {
  /** A JSON-serialisable snapshot. */
  state(): unknown;
  /** Restores a snapshot taken by `state()`. @throws SolverError kind `state` when it does not fit. */
  loadState(state: unknown): void;
}

/** Something whose state is named tensors (the optimizer's slots; `tf.Optimizer` fits). */
export interface TensorStatefulPart {
  getWeights(): Promise<NamedTensor[]>;
  setWeights(weights: NamedTensor[]): Promise<void>;
}

/** Something whose state is named tensors, synchronously (the weight EMA). */
export interface EmaPart {
  state(): NamedTensor[];
  loadState(tensors: readonly NamedTensor[]): void;
}

/**
 * What a checkpoint saves and restores. Only `model` is required; the others are saved when
 * given and restored when both the checkpoint and the receiver have them.
 */
export interface CheckpointParts {
  /** The model's variables by stable name (see `layersModelVariables`). */
  readonly model: ReadonlyMap<string, tf.Variable>;
  readonly optimizer?: TensorStatefulPart;
  readonly scheduler?: StatefulPart;
  readonly ema?: EmaPart;
  /** Stored for the record (which config produced this checkpoint); not restored. */
  readonly config?: unknown;
}

/** Names of float32 tensors holding a NaN or infinite value (read on the host from the file's bytes). */
function nonFiniteTensors(tensors: readonly EncodedTensor[]): string[] {
  return decodedFloat32(tensors)
    .filter(({ values }) => values.some((value) => !Number.isFinite(value)))
    .map(({ name }) => name);
}

function decodedFloat32(tensors: readonly EncodedTensor[]): { name: string; values: Float32Array }[] {
  return tensors
    .filter((tensor) => tensor.dtype === 'float32')
    .map((tensor) => {
      const bytes: Uint8Array = base64ToBytes(tensor.data);
      return { name: tensor.name, values: new Float32Array(bytes.buffer, 0, Math.floor(bytes.byteLength / 4)) };
    });
}

async function encodeOptimizer(parts: CheckpointParts): Promise<EncodedTensor[]> {
  if (parts.optimizer === undefined) return [];
  // The optimizer owns what getWeights returns (SolverOptimizer's contract, docs/optimizer.md).
  const weights: NamedTensor[] = await parts.optimizer.getWeights();
  const stableNames: Map<string, string> = new Map([...parts.model].map(([key, variable]) => [variable.name, key]));
  return encodeTensors(renameByPrefix(weights, stableNames));
}

/**
 * Reads the current state of every part into a {@link CheckpointData} (syncs with the device
 * once per tensor; call it between steps only).
 */
export async function captureCheckpoint(parts: CheckpointParts, iteration: number, run?: RunIdentity): Promise<CheckpointData> {
  const model: EncodedTensor[] = await encodeTensors([...parts.model].map(([name, tensor]) => ({ name, tensor })));
  return {
    iteration,
    model,
    optimizer: await encodeOptimizer(parts),
    scheduler: parts.scheduler === undefined ? null : parts.scheduler.state(),
    ema: parts.ema === undefined ? null : await encodeTensors(parts.ema.state()),
    config: parts.config ?? null,
    run: run ?? null,
  };
}

function checkModelFits(parts: CheckpointParts, saved: readonly NamedTensor[], path: string): void {
  const savedByName: Map<string, tf.Tensor> = new Map(saved.map((t) => [t.name, t.tensor]));
  const missing: string[] = [...parts.model.keys()].filter((name) => !savedByName.has(name));
  const unexpected: string[] = [...savedByName.keys()].filter((name) => !parts.model.has(name));
  if (missing.length > 0 || unexpected.length > 0) {
    throw new SolverError(
      'state',
      `checkpoint ${path} does not fit the model: missing [${missing.join(', ')}], unexpected [${unexpected.join(', ')}]`,
    );
  }
  for (const [name, variable] of parts.model) {
    const tensor: tf.Tensor = savedByName.get(name) as tf.Tensor;
    if (!tf.util.arraysEqual(tensor.shape, variable.shape) || tensor.dtype !== variable.dtype) {
      throw new SolverError(
        'state',
        `checkpoint ${path}: ${name} is ${tensor.dtype}[${tensor.shape.join(', ')}], the model's is ${variable.dtype}[${variable.shape.join(', ')}]`,
      );
    }
  }
}

/**
 * Writes a verified checkpoint's state into the parts: scheduler state, optimizer slots, EMA,
 * and the model weights last. The model is checked first (names, shapes, dtypes), so a checkpoint
 * of another model changes nothing, and a scheduler or optimizer that refuses its state (another
 * `MAX_ITER`, other slots) stops the load before the model's weights are touched.
 * @throws SolverError kind `state` when the checkpoint does not fit the model or a part.
 */
export async function restoreCheckpoint(parts: CheckpointParts, data: CheckpointData, path: string): Promise<void> {
  const model: NamedTensor[] = decodeTensors(data.model);
  const optimizer: NamedTensor[] = decodeTensors(data.optimizer);
  const ema: NamedTensor[] = data.ema === null ? [] : decodeTensors(data.ema);
  try {
    checkModelFits(parts, model, path);
    // Most likely refusals first (another MAX_ITER, another model's slots), model weights last:
    // a refused checkpoint leaves the model as it was.
    if (parts.scheduler !== undefined && data.scheduler !== null) parts.scheduler.loadState(data.scheduler);
    if (parts.optimizer !== undefined && optimizer.length > 0) {
      const liveNames: Map<string, string> = new Map([...parts.model].map(([key, variable]) => [key, variable.name]));
      await parts.optimizer.setWeights(renameByPrefix(optimizer, liveNames));
    }
    if (parts.ema !== undefined && data.ema !== null) parts.ema.loadState(ema);
    for (const { name, tensor } of model) (parts.model.get(name) as tf.Variable).assign(tensor);
  } finally {
    tf.dispose([...model, ...optimizer, ...ema].map((t) => t.tensor));
  }
}

/** Options of {@link Checkpointer.load} and {@link Checkpointer.resume}. */
export interface LoadOptions {
  /** Load a checkpoint another run wrote (other config hash or SEED), with a warning. Default false: refuse it. */
  readonly acceptForeign?: boolean;
}

/**
 * Options of {@link Checkpointer}.
 *
 * Why: where checkpoints go and how many are kept is the caller's choice, not the checkpointer's.
 * @example
 * ```ts
 * const options: CheckpointerOptions = { files: memoryFileStore(), dir: './output', maxToKeep: 3 };
 * ```
 */
export interface CheckpointerOptions {
  /** File access (`nodeFileStore` on a disk). */
  readonly files: FileStore;
  /** The directory checkpoints go to (`OUTPUT_DIR`). */
  readonly dir: string;
  /** Keep this many most recent periodic checkpoints; older ones are deleted. Default 3 (`TRAIN.MAX_TO_KEEP`). */
  readonly maxToKeep?: number;
  /** Where "skipping a corrupt checkpoint" warnings go. Default: silent. */
  readonly logger?: Logger;
  /** This run's identity: recorded in every checkpoint, and compared on load. Default: none (no check). */
  readonly identity?: () => RunIdentity;
  /** `SOLVER.MAX_ITER`: a checkpoint recording a later iteration is refused. Default: no bound. */
  readonly maxIter?: number;
}

/**
 * Saves and loads whole training states (model, optimizer, scheduler, EMA, iteration) as
 * checksummed files, and finds the newest good one to resume from.
 *
 * Why: exact resume needs every piece of state in one file written atomically (no torn file
 * replaces a good one) and a checksum that refuses a damaged one (detectron2's `Checkpointer`
 * plus the integrity checks it lacks). Files: `model_0000100.ckpt` (periodic),
 * `model_final.ckpt`, and `last_checkpoint` naming the newest.
 *
 * @example
 * ```ts
 * const checkpointer = new Checkpointer(parts, { files: nodeFileStore, dir: 'output' });
 * const startIter = await checkpointer.resume();   // 0 when there is nothing to resume
 * ```
 */
export class Checkpointer {
  private readonly maxToKeep: number;
  private readonly logger: Logger;

  /**
   * @param parts what to save and restore.
   * @param options where and how.
   * @throws SolverError kind `argument` when maxToKeep is not an integer >= 1.
   */
  public constructor(
    private readonly parts: CheckpointParts,
    private readonly options: CheckpointerOptions,
  ) {
    this.maxToKeep = options.maxToKeep ?? 3;
    if (!Number.isInteger(this.maxToKeep) || this.maxToKeep < 1) {
      throw new SolverError('argument', `maxToKeep (TRAIN.MAX_TO_KEEP): got ${this.maxToKeep}, expected an integer >= 1`);
    }
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Writes the current state as `name` (atomically), points `last_checkpoint` at it, and prunes
   * periodic checkpoints beyond `maxToKeep`.
   * @param name the file name, e.g. `periodicCheckpointName(iteration)`.
   * @param iteration the iteration a resume should start at (steps completed).
   * @throws SolverError kind `io` when writing fails; the previous files are then untouched.
   */
  public async save(name: string, iteration: number): Promise<void> {
    const data: CheckpointData = await captureCheckpoint(this.parts, iteration, this.options.identity?.());
    await this.options.files.makeDir(this.options.dir);
    await this.options.files.writeAtomic(this.path(name), await encodeCheckpoint(data));
    await this.options.files.writeAtomic(this.path(LAST_CHECKPOINT_FILE), `${name}\n`);
    await this.prune();
  }

  /**
   * Loads the checkpoint at `path` into the parts, after checking that it belongs here: its
   * iteration is at most `maxIter`, and it was written by this run (same config hash and SEED)
   * unless `options.acceptForeign`. Another backend or tfjs version, a checkpoint that records no run, or
   * non-finite model weights only warn.
   * @param path the file.
   * @param options `acceptForeign`: load another run's checkpoint (other config hash or SEED).
   * @returns the iteration to resume at.
   * @throws SolverError kind `checkpoint` (torn, edited, not a checkpoint, iteration past
   *   `maxIter`), `state` (another run's, does not fit), `io`.
   */
  public async load(path: string, options: LoadOptions = {}): Promise<number> {
    const data: CheckpointData = await decodeCheckpoint(await this.options.files.readBytes(path), path);
    const { maxIter } = this.options;
    if (maxIter !== undefined && data.iteration > maxIter) {
      throw new SolverError(
        'checkpoint',
        `checkpoint ${path}: iteration ${data.iteration} is past SOLVER.MAX_ITER ${maxIter}; refusing to load it`,
      );
    }
    this.checkIdentity(data, path, options.acceptForeign === true);
    const nonFinite: string[] = nonFiniteTensors(data.model);
    if (nonFinite.length > 0) this.logger.warn(`checkpoint ${path} holds NaN or infinite values in ${nonFinite.join(', ')}`);
    await restoreCheckpoint(this.parts, data, path);
    return data.iteration;
  }

  private checkIdentity(data: CheckpointData, path: string, acceptForeign: boolean): void {
    const mine: RunIdentity | undefined = this.options.identity?.();
    if (mine === undefined) return;
    const theirs: RunIdentity | null | undefined = data.run;
    if (theirs === undefined || theirs === null) {
      this.logger.warn(`checkpoint ${path} records no run identity (written by an older version); loading it as this run's`);
      return;
    }
    if (theirs.configHash !== mine.configHash || theirs.seed !== mine.seed) {
      const detail: string = `config hash ${theirs.configHash}, SEED ${theirs.seed}; this run: config hash ${mine.configHash}, SEED ${mine.seed}`;
      if (!acceptForeign) {
        throw new SolverError(
          'state',
          `checkpoint ${path} was written by another run (${detail}); ` +
            'resume it anyway with resumeForeign (--resume-foreign), or choose another OUTPUT_DIR',
        );
      }
      this.logger.warn(`checkpoint ${path} was written by another run (${detail}); loading it as asked`);
    }
    if (theirs.backend !== mine.backend || theirs.tfjs !== mine.tfjs) {
      this.logger.warn(
        `checkpoint ${path} was written on ${theirs.backend} with tfjs ${theirs.tfjs}; this run uses ${mine.backend} with tfjs ${mine.tfjs} (the continuation may differ in the last bits)`,
      );
    }
  }

  /**
   * Loads the newest good checkpoint of the directory: the one `last_checkpoint` names, else
   * the newest by iteration. A corrupt file is skipped with a warning naming it and why.
   * @param options see {@link Checkpointer.load}.
   * @returns the iteration to resume at; 0 when the directory has no checkpoint.
   * @throws SolverError kind `checkpoint` when checkpoints exist but none is intact; `state` when
   *   the newest intact one is another run's (unless `acceptForeign`) or does not fit.
   */
  public async resume(options: LoadOptions = {}): Promise<number> {
    const candidates: string[] = await this.candidates();
    for (const name of candidates) {
      try {
        const iteration: number = await this.load(this.path(name), options);
        this.logger.info(`resumed from ${this.path(name)} at iteration ${iteration}`);
        return iteration;
      } catch (error: unknown) {
        if (!SolverError.is(error, 'checkpoint')) throw error;
        this.logger.warn(`skipping ${error.message}`);
      }
    }
    if (candidates.length > 0) {
      throw new SolverError('checkpoint', `no intact checkpoint in ${this.options.dir}: tried ${candidates.join(', ')}`);
    }
    this.logger.info(`no checkpoint in ${this.options.dir}; starting at iteration 0`);
    return 0;
  }

  private path(name: string): string {
    return `${this.options.dir}/${name}`;
  }

  private async candidates(): Promise<string[]> {
    const names: string[] = await this.options.files.list(this.options.dir);
    const periodic: string[] = names
      .filter((name) => periodicIteration(name) !== null)
      .sort((a, b) => (periodicIteration(b) ?? 0) - (periodicIteration(a) ?? 0));
    const ordered: string[] = names.includes(FINAL_CHECKPOINT) ? [FINAL_CHECKPOINT, ...periodic] : periodic;
    if (!names.includes(LAST_CHECKPOINT_FILE)) return ordered;
    const bytes: Uint8Array = await this.options.files.readBytes(this.path(LAST_CHECKPOINT_FILE));
    const last: string = new TextDecoder().decode(bytes).trim();
    return ordered.includes(last) ? [last, ...ordered.filter((name) => name !== last)] : ordered;
  }

  private async prune(): Promise<void> {
    const names: string[] = await this.options.files.list(this.options.dir);
    const periodic: string[] = names
      .filter((name) => periodicIteration(name) !== null)
      .sort((a, b) => (periodicIteration(a) ?? 0) - (periodicIteration(b) ?? 0));
    for (const name of periodic.slice(0, Math.max(0, periodic.length - this.maxToKeep))) {
      await this.options.files.remove(this.path(name));
    }
  }
}

/**
 * Saves a checkpoint every `period` iterations and once more when training finishes.
 *
 * Why a hook: when to save is policy (detectron2's `PeriodicCheckpointer`); what a checkpoint
 * holds and how it is written is the {@link Checkpointer}'s job. After step `i` completes, a
 * checkpoint named `model_{i+1}` is written when `(i + 1) % period === 0`, recording `i + 1` as
 * the iteration to resume at. At the end, `model_final.ckpt` is written only when training
 * reached `maxIter`; a run that stopped early writes `model_{i}` where it stopped; a failed run
 * keeps its last periodic checkpoint (its state may be bad).
 *
 * @example
 * ```ts
 * const hook = new PeriodicCheckpointer(checkpointer, config.SOLVER.CHECKPOINT_PERIOD);
 * ```
 */
export class PeriodicCheckpointer implements Hook {
  /**
   * @param checkpointer writes the files.
   * @param period iterations between checkpoints (`SOLVER.CHECKPOINT_PERIOD`).
   * @throws SolverError kind `argument` when period is not an integer >= 1.
   */
  public constructor(
    private readonly checkpointer: Checkpointer,
    private readonly period: number,
  ) {
    if (!Number.isInteger(period) || period < 1) {
      throw new SolverError('argument', `period (SOLVER.CHECKPOINT_PERIOD): got ${period}, expected an integer >= 1`);
    }
  }

  /** Saves `model_{i+1}` when step `i` ends a period (not at the last step: `afterTrain` saves the final one). */
  public async afterStep(ctx: HookContext): Promise<void> {
    const done: number = ctx.iteration + 1;
    if (done % this.period === 0 && done < ctx.maxIter) {
      await this.checkpointer.save(periodicCheckpointName(done), done);
    }
  }

  /**
   * Saves `model_final` when training reached `maxIter`; when it stopped early without an error
   * (early stopping, fit out of epochs), `model_{i}` at the first iteration not run, so a resume
   * continues exactly there.
   */
  public async afterTrain(ctx: HookContext): Promise<void> {
    if (ctx.iteration >= ctx.maxIter) await this.checkpointer.save(FINAL_CHECKPOINT, ctx.iteration);
    else if (ctx.ending === 'stopped' && ctx.iteration > ctx.startIter) {
      await this.checkpointer.save(periodicCheckpointName(ctx.iteration), ctx.iteration);
    }
  }
}
