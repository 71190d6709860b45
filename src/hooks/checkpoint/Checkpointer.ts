import { SolverError } from '../../errors/SolverError.js';
import type { FileStore } from '../../io/FileStore.js';
import type { Logger } from '../../io/Logger.js';
import { silentLogger } from '../../io/silentLogger.js';
import type { CheckpointData } from './CheckpointData.js';
import type { CheckpointParts } from './CheckpointParts.js';
import { captureCheckpoint } from './captureCheckpoint.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpointCodec.js';
import { FINAL_CHECKPOINT, LAST_CHECKPOINT_FILE, periodicIteration } from './checkpointNames.js';
import { restoreCheckpoint } from './restoreCheckpoint.js';

/** Options of {@link Checkpointer}. */
export interface CheckpointerOptions {
  /** File access (`nodeFileStore` on a disk). */
  readonly files: FileStore;
  /** The directory checkpoints go to (`OUTPUT_DIR`). */
  readonly dir: string;
  /** Keep this many most recent periodic checkpoints; older ones are deleted. Default 3 (`TRAIN.MAX_TO_KEEP`). */
  readonly maxToKeep?: number;
  /** Where "skipping a corrupt checkpoint" warnings go. Default: silent. */
  readonly logger?: Logger;
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
    const data: CheckpointData = await captureCheckpoint(this.parts, iteration);
    await this.options.files.makeDir(this.options.dir);
    await this.options.files.writeAtomic(this.path(name), await encodeCheckpoint(data));
    await this.options.files.writeAtomic(this.path(LAST_CHECKPOINT_FILE), `${name}\n`);
    await this.prune();
  }

  /**
   * Loads the checkpoint at `path` into the parts.
   * @returns the iteration to resume at.
   * @throws SolverError kind `checkpoint` (torn, edited, not a checkpoint), `state` (does not fit), `io`.
   */
  public async load(path: string): Promise<number> {
    const data: CheckpointData = await decodeCheckpoint(await this.options.files.readBytes(path), path);
    await restoreCheckpoint(this.parts, data, path);
    return data.iteration;
  }

  /**
   * Loads the newest good checkpoint of the directory: the one `last_checkpoint` names, else
   * the newest by iteration. A corrupt file is skipped with a warning naming it and why.
   * @returns the iteration to resume at; 0 when the directory has no checkpoint.
   * @throws SolverError kind `checkpoint` when checkpoints exist but none is intact.
   */
  public async resume(): Promise<number> {
    const candidates: string[] = await this.candidates();
    for (const name of candidates) {
      try {
        const iteration: number = await this.load(this.path(name));
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
