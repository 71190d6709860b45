import { SolverError } from '../errors/SolverError.js';
import type { TextFileReader } from './TextFileReader.js';
import { normalizePath } from './normalizePath.js';

/**
 * A {@link TextFileReader} over files held in memory, keyed by `/`-separated path.
 *
 * Why: a browser page (or a test) can load a config with `_BASE_` inheritance from text it already
 * has, without a file system.
 *
 * @param files path → YAML text; paths are normalised (`a/./b.yaml` is `a/b.yaml`).
 * @example
 * ```ts
 * const reader = memoryTextFileReader({ 'base.yaml': 'SOLVER: {BASE_LR: 0.1}', 'run.yaml': '_BASE_: base.yaml' });
 * const config = await loadConfig('run.yaml', [], { reader });
 * ```
 */
export function memoryTextFileReader(files: Readonly<Record<string, string>>): TextFileReader {
  const byPath: Map<string, string> = new Map(Object.entries(files).map(([path, text]) => [normalizePath(path), text]));
  return {
    readText(path: string): Promise<string> {
      const text: string | undefined = byPath.get(normalizePath(path));
      if (text === undefined) return Promise.reject(new SolverError('io', `${path}: no such file`));
      return Promise.resolve(text);
    },
    resolve(fromFile: string, relative: string): string {
      if (relative.startsWith('/')) return normalizePath(relative);
      const slash: number = fromFile.lastIndexOf('/');
      const directory: string = slash < 0 ? '' : fromFile.slice(0, slash + 1);
      return normalizePath(directory + relative);
    },
  };
}
