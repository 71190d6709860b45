import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SolverError } from '../errors/SolverError.js';
import type { FileStore } from './FileStore.js';

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
