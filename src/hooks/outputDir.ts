import { SolverError } from '../errors.js';
import { type FileStore, type Logger, silentLogger } from '../io/interfaces.js';
import { FINAL_CHECKPOINT, LAST_CHECKPOINT_FILE, periodicIteration } from './checkpointCodec.js';

/** The metrics file's name inside `OUTPUT_DIR`. */
export const METRICS_FILE: string = 'metrics.json';
/** The lock file's name inside `OUTPUT_DIR`. */
export const LOCK_FILE: string = '.lock';

/** A temporary file an atomic write leaves behind when the process is killed mid-write. */
const TEMP_FILE: RegExp = /\.tmp-[0-9a-f]{12}$/;

/** Releases a lock; safe to call twice. */
export type ReleaseLock = () => Promise<void>;

/**
 * A {@link FileStore} that can also lock a directory for one run (the Node store can; an
 * in-memory store needs no lock).
 */
export interface LockingFileStore extends FileStore {
  /**
   * Takes the lock on `dir` for this process, taking over a stale one (its process is gone).
   * @throws SolverError kind `state` when another live run holds it.
   */
  lock(dir: string): Promise<ReleaseLock>;
}

/** True when `files` can lock a directory. */
export function canLock(files: FileStore): files is LockingFileStore {
  return typeof (files as Partial<LockingFileStore>).lock === 'function';
}

/**
 * How a run treats what `OUTPUT_DIR` already holds:
 * - `fresh` (default): the folder must hold no previous run (no checkpoint, no `metrics.json`);
 * - `resume`: continue the previous run from its newest intact checkpoint;
 * - `overwrite`: delete the previous run's checkpoints and metrics first, then start at 0.
 */
export type OutputMode = 'fresh' | 'resume' | 'overwrite';

/** True for the files a run writes: checkpoints, `last_checkpoint`, `metrics.json`. */
export function isRunFile(name: string): boolean {
  return name === METRICS_FILE || name === LAST_CHECKPOINT_FILE || name === FINAL_CHECKPOINT || periodicIteration(name) !== null;
}

/**
 * Gets `dir` ready for a run, under its lock: removes the temporary files of writes a killed run
 * left behind, then applies `mode` — refuses a fresh run into a used folder, or deletes the
 * previous run's files for `overwrite`. (For `resume`, see {@link repairMetrics} once the
 * checkpoint is loaded.)
 *
 * @throws SolverError kind `state` for a fresh run into a folder that holds a previous run.
 */
export async function prepareOutputDir(files: FileStore, dir: string, mode: OutputMode, logger: Logger = silentLogger): Promise<void> {
  const names: string[] = await files.list(dir);
  const temps: string[] = names.filter((name) => TEMP_FILE.test(name));
  for (const name of temps) await files.remove(`${dir}/${name}`);
  if (temps.length > 0)
    logger.info(`removed ${temps.length} temporary file(s) left by an interrupted write in ${dir}: ${temps.join(', ')}`);
  const previous: string[] = names.filter(isRunFile).sort();
  if (previous.length === 0 || mode === 'resume') return;
  if (mode === 'overwrite') {
    for (const name of previous) await files.remove(`${dir}/${name}`);
    logger.warn(`overwrite: deleted the previous run's ${previous.join(', ')} in ${dir}`);
    return;
  }
  const shown: string = previous.length > 4 ? `${previous.slice(0, 4).join(', ')}, ...` : previous.join(', ');
  throw new SolverError(
    'state',
    `OUTPUT_DIR ${dir} already holds a run (${shown}); continue it with resume (--resume), ` +
      'start over with overwrite (--overwrite, deletes those files), or choose another OUTPUT_DIR',
  );
}

/**
 * Makes `metrics.json` match a run resumed at `startIter`: keeps the complete, valid JSON lines
 * of iterations before `startIter` and drops the rest (a line torn by a full disk or a kill, and
 * lines of iterations the resumed run will redo). Rewritten atomically; untouched when all lines
 * are kept.
 *
 * @returns the number of lines dropped.
 */
export async function repairMetrics(files: FileStore, dir: string, startIter: number, logger: Logger = silentLogger): Promise<number> {
  const path: string = `${dir}/${METRICS_FILE}`;
  if (!(await files.list(dir)).includes(METRICS_FILE)) return 0;
  const text: string = new TextDecoder().decode(await files.readBytes(path));
  const complete: string[] = text.split('\n');
  const torn: string = complete.pop() ?? '';
  const kept: string[] = complete.filter((line: string): boolean => {
    try {
      const record: unknown = JSON.parse(line);
      const iteration: unknown = (record as { iteration?: unknown } | null)?.iteration;
      return typeof iteration === 'number' && iteration < startIter;
    } catch {
      return false;
    }
  });
  const dropped: number = complete.length - kept.length + (torn === '' ? 0 : 1);
  if (dropped === 0) return 0;
  await files.writeAtomic(path, kept.map((line) => `${line}\n`).join(''));
  logger.warn(`${path}: dropped ${dropped} line(s) torn or past the resumed iteration ${startIter}`);
  return dropped;
}
