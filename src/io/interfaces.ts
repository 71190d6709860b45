import { SolverError } from '../errors.js';

/**
 * Where the library writes human-readable progress and warnings.
 *
 * Why an interface: library code never calls `console` directly, so a CLI can route logs to
 * stderr (keeping stdout clean for `--json`), a test can collect them in an array, and a web
 * page can show them in its own UI.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const logger: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(`warning: ${m}`) };
 * ```
 */
export interface Logger {
  /** An informational line (which backend was chosen, what was loaded). */
  info(message: string): void;
  /** Something the user should know about but that does not stop the run (ignored config sections). */
  warn(message: string): void;
}

/**
 * A {@link Logger} that drops everything: the default when the caller passes none.
 *
 * Why: library functions take an optional logger and must stay quiet in a browser page or a
 * test unless asked to speak.
 */
export const silentLogger: Logger = Object.freeze({
  info(): void {
    /* dropped on purpose */
  },
  warn(): void {
    /* dropped on purpose */
  },
});

/**
 * Reads text files for the config loader, and resolves paths relative to another file.
 *
 * Why an interface: `src/config` runs in browsers too, where there is no `fs`; a page passes a
 * reader backed by `fetch` or by files it already holds (see {@link memoryTextFileReader}), Node uses
 * {@link nodeTextFileReader}. Path resolution belongs here because "relative to a file" means
 * different things on disk and on the web.
 * @example
 * ```ts
 * const reader: TextFileReader = memoryTextFileReader({ 'base.yaml': 'SOLVER: {BASE_LR: 0.1}' });
 * const config = await loadConfig('base.yaml', [], { reader });
 * ```
 */
export interface TextFileReader {
  /**
   * The whole file as UTF-8 text. Only regular files are read (never a directory, pipe or device).
   * @param maxBytes refuse a file larger than this without reading it all; default no limit.
   * @throws SolverError kind `io` naming the path when it cannot be read or is too large.
   */
  readText(path: string, maxBytes?: number): Promise<string>;
  /** The path of `relative` as seen from the file `fromFile` (absolute `relative` paths stay as they are). */
  resolve(fromFile: string, relative: string): string;
}

/**
 * Collapses `.`/`..` segments and repeated slashes of a `/`-separated path, without touching any
 * file system. A leading `/` is kept; `..` above the start of a relative path is kept.
 * @example normalizePath('configs/COCO/../Base.yaml') // 'configs/Base.yaml'
 */
export function normalizePath(path: string): string {
  const absolute: boolean = path.startsWith('/');
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    const last: string | undefined = out[out.length - 1];
    if (segment === '..' && last !== undefined && last !== '..') out.pop();
    else if (segment !== '..' || !absolute) out.push(segment);
  }
  const joined: string = out.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

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
    readText(path: string, maxBytes: number = Infinity): Promise<string> {
      const text: string | undefined = byPath.get(normalizePath(path));
      if (text === undefined) return Promise.reject(new SolverError('io', `${path}: no such file`));
      if (text.length > maxBytes) return Promise.reject(new SolverError('io', `${path}: larger than ${maxBytes} bytes`));
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

/**
 * The file access checkpoints and metrics need, as a small interface.
 *
 * Why an interface: everything below `src/cli` must run in a web page too, so it never imports
 * Node's `fs`. `nodeFileStore` implements this on a disk; a test or a page can implement it on
 * memory or IndexedDB. Paths are `/`-separated strings; `dir + '/' + name` joins them.
 * @example
 * ```ts
 * const files: FileStore = memoryFileStore(); // or indexedDbFileStore(), nodeFileStore in Node
 * container.bind(TOKENS.FileStore).toConstantValue(files);
 * ```
 */
export interface FileStore {
  /** The whole file as bytes. @throws SolverError kind `io` when it cannot be read. */
  readBytes(path: string): Promise<Uint8Array>;
  /**
   * Replaces `path` with `data` atomically: either the old file stays or the complete new one is
   * there, never a torn mix (write a temporary file next to it, flush it to the disk, rename it
   * over `path`). On failure nothing new is left behind.
   * @throws SolverError kind `io`.
   */
  writeAtomic(path: string, data: Uint8Array | string): Promise<void>;
  /** Appends `text` to `path`, creating it when absent. @throws SolverError kind `io`. */
  append(path: string, text: string): Promise<void>;
  /** The names (not paths) of the files in `dir`; empty when `dir` does not exist. */
  list(dir: string): Promise<string[]>;
  /** Deletes `path`; nothing happens when it does not exist. */
  remove(path: string): Promise<void>;
  /** Creates `dir` and its parents when missing. */
  makeDir(dir: string): Promise<void>;
}
