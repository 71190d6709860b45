import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { SolverError } from '../errors/SolverError.js';
import type { TextFileReader } from './TextFileReader.js';

/**
 * The Node {@link TextFileReader}: reads from disk; resolves `relative` against the directory of
 * `fromFile` and keeps relative paths relative, so messages show the paths the user typed.
 * `loadConfig` uses it when no reader is given. Node only (imports `node:fs`).
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
