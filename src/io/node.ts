import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { SolverError } from '../errors.js';
import type { FileStore, TextFileReader } from './interfaces.js';

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

/**
 * {@link FileStore} on the local disk with `node:fs`. `writeAtomic` writes a uniquely named
 * temporary file beside the target, fsyncs it, renames it over the target and fsyncs the
 * directory; on any failure the temporary file is removed and the target is untouched.
 *
 * Why: a checkpoint must survive a crash mid-write; rename-over is the one atomic replace a file system offers.
 * @example
 * ```ts
 * import { nodeFileStore } from 'tfjs-solver/node';
 * container.bind(TOKENS.FileStore).toConstantValue(nodeFileStore); // what createSolver of tfjs-solver/node binds by default
 * ```
 */
export const nodeFileStore: FileStore = Object.freeze({
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
  async readText(path: string): Promise<string> {
    try {
      return await readFile(path, 'utf8');
    } catch (error: unknown) {
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
