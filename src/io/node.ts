import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { appendFile, constants, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { SolverError } from '../errors.js';
import { LOCK_FILE, type LockingFileStore, type ReleaseLock } from '../hooks/outputDir.js';
import type { TextFileReader } from './interfaces.js';

function ioError(action: string, path: string, error: unknown): SolverError {
  const reason: string = error instanceof Error ? error.message : String(error);
  return new SolverError('io', `${action} ${path} failed: ${reason}`, { cause: error });
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename itself durable; some platforms cannot open a directory, which is fine.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}

async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temp: string = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error: unknown) {
    await rm(temp, { force: true });
    throw ioError('writing', path, error);
  }
  await syncDir(dirname(path));
}

/** What a lock file holds: who took the lock, and a token only the holder knows. */
interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
  readonly token: string;
}

/** Locks this process holds: path → token. Removed on a normal exit even without release. */
const held: Map<string, string> = new Map<string, string>();
let exitHookInstalled: boolean = false;

function releaseAllOnExit(): void {
  for (const [path, token] of held) {
    try {
      if ((JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>).token === token) rmSync(path, { force: true });
    } catch {
      /* already gone, or not ours */
    }
  }
  held.clear();
}

function parseHolder(text: string): LockHolder | null {
  try {
    const value: Partial<LockHolder> = JSON.parse(text) as Partial<LockHolder>;
    const { pid, host, started, token } = value;
    return typeof pid === 'number' && typeof host === 'string' && typeof started === 'string' && typeof token === 'string'
      ? { pid, host, started, token }
      : null;
  } catch {
    return null;
  }
}

/** True when the process that took the lock is gone (same host, no such pid). */
function isStale(holder: LockHolder | null): boolean {
  if (holder === null) return true; // empty or torn: its writer was killed while taking it
  if (holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error: unknown) {
    return (error as { code?: unknown }).code === 'ESRCH';
  }
}

async function readHolder(path: string): Promise<LockHolder | null | undefined> {
  try {
    return parseHolder(await readFile(path, 'utf8'));
  } catch (error: unknown) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw ioError('reading', path, error);
  }
}

/**
 * Takes `dir/.lock` for this process: creates it exclusively with `{pid, host, started, token}`.
 * A lock whose process is gone (killed; same host, no such pid) is taken over with a warning-free
 * retry; a live one, or one from another host, stops with a SolverError naming its holder.
 */
async function lock(dir: string): Promise<ReleaseLock> {
  await nodeFileStore.makeDir(dir);
  const path: string = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), started: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${JSON.stringify(me)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      held.set(path, me.token);
      if (!exitHookInstalled) {
        process.once('exit', releaseAllOnExit);
        exitHookInstalled = true;
      }
      return async (): Promise<void> => {
        if (held.get(path) !== me.token) return;
        held.delete(path);
        if ((await readHolder(path))?.token === me.token) await rm(path, { force: true });
      };
    } catch (error: unknown) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw ioError('locking', dir, error);
    }
    const holder: LockHolder | null | undefined = await readHolder(path);
    if (holder === undefined) continue; // released meanwhile
    if (!isStale(holder)) {
      throw new SolverError(
        'state',
        `OUTPUT_DIR ${dir} is in use by another run (pid ${holder?.pid ?? '?'} on ${holder?.host ?? '?'}, started ${holder?.started ?? '?'}); ` +
          `wait for it to finish or choose another OUTPUT_DIR (if that run is gone, delete ${path})`,
      );
    }
    await rm(path, { force: true });
  }
  throw new SolverError('state', `OUTPUT_DIR ${dir}: could not take the lock ${path}; another run keeps taking it`);
}

/**
 * {@link FileStore} on the local disk with `node:fs`. `writeAtomic` writes a uniquely named
 * temporary file beside the target, fsyncs it, renames it over the target and fsyncs the
 * directory; on any failure the temporary file is removed and the target is untouched.
 * `lock(dir)` takes the directory's lock file for one run.
 *
 * Why: a checkpoint must survive a crash mid-write; rename-over is the one atomic replace a file system offers.
 * @example
 * ```ts
 * import { nodeFileStore } from 'tfjs-solver/node';
 * container.bind(TOKENS.FileStore).toConstantValue(nodeFileStore); // what createSolver of tfjs-solver/node binds by default
 * ```
 */
export const nodeFileStore: LockingFileStore = Object.freeze({
  lock,
  async readBytes(path: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(path));
    } catch (error: unknown) {
      throw ioError('reading', path, error);
    }
  },
  writeAtomic,
  async append(path: string, text: string): Promise<void> {
    try {
      await appendFile(path, text, 'utf8');
    } catch (error: unknown) {
      throw ioError('appending to', path, error);
    }
  },
  async list(dir: string): Promise<string[]> {
    try {
      return await readdir(dir);
    } catch (error: unknown) {
      if ((error as { code?: unknown }).code === 'ENOENT') return [];
      throw ioError('listing', dir, error);
    }
  },
  async remove(path: string): Promise<void> {
    await rm(path, { force: true });
  },
  async makeDir(dir: string): Promise<void> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (error: unknown) {
      throw ioError('creating directory', dir, error);
    }
  },
});

/**
 * The Node {@link TextFileReader}: reads from disk; resolves `relative` against the directory of
 * `fromFile` and keeps relative paths relative, so messages show the paths the user typed.
 * The `loadConfig` of `tfjs-solver/node` uses it when no reader is given. Node only (imports `node:fs`).
 *
 * Why: `_BASE_` paths are relative to the file naming them, as in detectron2.
 * @example
 * ```ts
 * const config = await loadConfig('configs/run.yaml', [], { reader: nodeTextFileReader });
 * ```
 */
export const nodeTextFileReader: TextFileReader = Object.freeze({
  async readText(path: string, maxBytes: number = Infinity): Promise<string> {
    try {
      // stat first: opening a FIFO blocks until a writer comes, and a device never ends.
      const info = await stat(path);
      if (!info.isFile()) throw new SolverError('io', `${path}: not a regular file (a directory, pipe or device is never read)`);
      if (info.size > maxBytes) throw new SolverError('io', `${path}: ${info.size} bytes, expected at most ${maxBytes}`);
      const text: string = await readFile(path, { encoding: 'utf8', flag: constants.O_RDONLY | constants.O_NONBLOCK });
      if (Buffer.byteLength(text) > maxBytes) throw new SolverError('io', `${path}: grew past ${maxBytes} bytes while read`);
      return text;
    } catch (error: unknown) {
      if (SolverError.is(error)) throw error;
      const code: unknown = (error as { code?: unknown }).code;
      const reason: string = code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error);
      throw new SolverError('io', `${path}: ${reason}`, { cause: error });
    }
  },
  resolve(fromFile: string, relative: string): string {
    return isAbsolute(relative) ? normalize(relative) : join(dirname(fromFile), relative);
  },
});

/**
 * The directory (with a trailing `/`) holding the installed `@tensorflow/tfjs-backend-wasm`'s
 * `.wasm` binaries, for `setWasmPaths`. Node only.
 *
 * Why: in Node the package finds its binaries next to its own `main` script, but only as long as that
 * script is not bundled or copied elsewhere; pinning the directory keeps the backend offline-safe.
 */
export function nodeWasmDirectory(): string {
  // The CommonJS build has `require`; the ES module build resolves from this file's URL.
  const resolver: NodeJS.Require = typeof require === 'function' ? require : createRequire(import.meta.url);
  return `${dirname(resolver.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
}
