import { randomBytes } from 'node:crypto';
import { appendFile, constants, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
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
 * `loadConfig` uses it when no reader is given. Node only (imports `node:fs`).
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
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
}
