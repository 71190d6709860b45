import { SolverError } from '../errors.js';
import { type FileStore, normalizePath } from './interfaces.js';

const encoder = new TextEncoder();

function bytesOf(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? encoder.encode(data) : new Uint8Array(data);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out: Uint8Array = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The names of the direct children of `dir` among `paths` (all normalised). */
function childrenOf(dir: string, paths: Iterable<string>): string[] {
  const prefix: string = dir === '.' ? '' : `${dir}/`;
  const names: Set<string> = new Set();
  for (const path of paths) {
    if (!path.startsWith(prefix)) continue;
    const rest: string = path.slice(prefix.length);
    if (rest !== '' && !rest.includes('/')) names.add(rest);
  }
  return [...names].sort();
}

function noSuchFile(path: string): SolverError {
  return new SolverError('io', `${path}: no such file`);
}

/**
 * A {@link FileStore} in memory: checkpoints and metrics live in a `Map` for the life of the page
 * (or test) and are gone on reload.
 *
 * Why: the container needs a store to write checkpoints and `metrics.json`; in a page that does
 * not need to keep them (a demo, a notebook cell, a test), memory is the simplest honest choice.
 * Paths are `/`-separated and normalised (`out/./a` is `out/a`); directories exist implicitly.
 *
 * @returns a new, empty store.
 * @example
 * ```ts
 * const files = memoryFileStore();
 * container.bind(TOKENS.FileStore).toConstantValue(files);
 * // after training:
 * console.log(await files.list('./output')); // ['last_checkpoint', 'metrics.json', 'model_final.ckpt', …]
 * ```
 */
export function memoryFileStore(): FileStore {
  const files: Map<string, Uint8Array> = new Map();
  return {
    readBytes(path: string): Promise<Uint8Array> {
      const data: Uint8Array | undefined = files.get(normalizePath(path));
      return data === undefined ? Promise.reject(noSuchFile(path)) : Promise.resolve(new Uint8Array(data));
    },
    writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
      files.set(normalizePath(path), bytesOf(data));
      return Promise.resolve();
    },
    append(path: string, text: string): Promise<void> {
      const key: string = normalizePath(path);
      files.set(key, concat(files.get(key) ?? new Uint8Array(0), encoder.encode(text)));
      return Promise.resolve();
    },
    list(dir: string): Promise<string[]> {
      return Promise.resolve(childrenOf(normalizePath(dir), files.keys()));
    },
    remove(path: string): Promise<void> {
      files.delete(normalizePath(path));
      return Promise.resolve();
    },
    makeDir(): Promise<void> {
      return Promise.resolve();
    },
  };
}

/**
 * The IndexedDB factory the store opens its database with: the global `indexedDB`, or a
 * test's fake (typed loosely so that this package's types do not need the DOM library).
 */
export interface IndexedDbFactory {
  open(name: string, version?: number): unknown;
}

// The few IndexedDB shapes used below, declared here so that the package's types need no DOM lib.
interface IdbRequest<T> {
  readonly result: T;
  readonly error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: (() => void) | null;
  onblocked: (() => void) | null;
}
interface IdbDatabase {
  readonly objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string): unknown;
  transaction(store: string, mode: 'readonly' | 'readwrite'): IdbTransaction;
}
interface IdbTransaction {
  readonly error: unknown;
  oncomplete: (() => void) | null;
  onabort: (() => void) | null;
  onerror: (() => void) | null;
  objectStore(name: string): IdbObjectStore;
}
interface IdbObjectStore {
  get(key: string): IdbRequest<unknown>;
  put(value: unknown, key: string): IdbRequest<unknown>;
  delete(key: string): IdbRequest<unknown>;
  getAllKeys(): IdbRequest<unknown[]>;
}

/**
 * Options of {@link indexedDbFileStore}.
 *
 * @example
 * ```ts
 * const options: IndexedDbFileStoreOptions = { databaseName: 'my-app-checkpoints' };
 * const files = indexedDbFileStore(options);
 * ```
 */
export interface IndexedDbFileStoreOptions {
  /** The IndexedDB database holding the files. Default `tfjs-solver`. */
  readonly databaseName?: string;
  /** The IndexedDB implementation. Default: the page's or worker's global `indexedDB`. */
  readonly indexedDB?: IndexedDbFactory;
}

const STORE: string = 'files';

function asError(error: unknown, fallback: string): Error {
  if (error instanceof Error) return error;
  const name: unknown = (error as { name?: unknown } | null)?.name;
  return new Error(typeof name === 'string' ? `${fallback}: ${name}` : fallback);
}

function requestResult<T>(request: IdbRequest<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    request.onsuccess = (): void => {
      resolve(request.result);
    };
    request.onerror = (): void => {
      reject(asError(request.error, 'IndexedDB request failed'));
    };
  });
}

function transactionDone(transaction: IdbTransaction): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    transaction.oncomplete = (): void => {
      resolve();
    };
    transaction.onabort = (): void => {
      reject(asError(transaction.error, 'IndexedDB transaction aborted'));
    };
    transaction.onerror = (): void => {
      reject(asError(transaction.error, 'IndexedDB transaction failed'));
    };
  });
}

function ioError(action: string, path: string, error: unknown): SolverError {
  if (SolverError.is(error)) return error;
  const reason: string = error instanceof Error ? error.message : String(error);
  return new SolverError('io', `${action} ${path} in IndexedDB failed: ${reason} (check the page's storage quota and permissions)`, {
    cause: error,
  });
}

/**
 * A persistent {@link FileStore} in the browser's IndexedDB: checkpoints and metrics survive a
 * reload, so `createSolver(container, { resume: true })` continues a run in the same page later.
 *
 * Why IndexedDB: it is the one browser storage that holds binary data of checkpoint size and
 * writes in transactions; each `writeAtomic` is one transaction, so a file is either the old one or
 * the complete new one. Files are keyed by normalised `/`-separated path in one object store;
 * directories exist implicitly.
 *
 * @param options `databaseName` (default `tfjs-solver`), `indexedDB` (default the global one).
 * @returns the store; the database is opened on first use.
 * @throws SolverError kind `io` (on first use) when IndexedDB is missing or refuses, saying what to use instead.
 * @example
 * ```ts
 * container.bind(TOKENS.FileStore).toConstantValue(indexedDbFileStore({ databaseName: 'spirals' }));
 * const solver = await createSolver(container, { resume: true }); // continues after a reload
 * ```
 */
export function indexedDbFileStore(options: IndexedDbFileStoreOptions = {}): FileStore {
  const name: string = options.databaseName ?? 'tfjs-solver';
  let opened: Promise<IdbDatabase> | undefined;
  const database = (): Promise<IdbDatabase> => {
    opened ??= new Promise<IdbDatabase>((resolve, reject) => {
      const factory: IndexedDbFactory | undefined = options.indexedDB ?? (globalThis as { indexedDB?: IndexedDbFactory }).indexedDB;
      if (factory === undefined) {
        reject(
          new SolverError(
            'io',
            `indexedDbFileStore('${name}'): this runtime has no IndexedDB; use memoryFileStore() here, or nodeFileStore from 'tfjs-solver/node' in Node`,
          ),
        );
        return;
      }
      const request = factory.open(name, 1) as IdbOpenRequest;
      request.onupgradeneeded = (): void => {
        if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE);
      };
      request.onsuccess = (): void => {
        resolve(request.result);
      };
      request.onerror = (): void => {
        reject(ioError('opening database', name, request.error));
      };
      request.onblocked = (): void => {
        reject(new SolverError('io', `opening IndexedDB database ${name} is blocked by another tab; close it and retry`));
      };
    });
    return opened;
  };
  const run = async <T>(mode: 'readonly' | 'readwrite', work: (store: IdbObjectStore) => Promise<T>): Promise<T> => {
    const transaction: IdbTransaction = (await database()).transaction(STORE, mode);
    const done: Promise<void> = transactionDone(transaction);
    const result: T = await work(transaction.objectStore(STORE));
    await done;
    return result;
  };
  return {
    async readBytes(path: string): Promise<Uint8Array> {
      let data: unknown;
      try {
        data = await run('readonly', (store) => requestResult(store.get(normalizePath(path))));
      } catch (error: unknown) {
        throw ioError('reading', path, error);
      }
      if (!(data instanceof Uint8Array)) throw noSuchFile(path);
      return new Uint8Array(data);
    },
    async writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
      try {
        await run('readwrite', (store) => requestResult(store.put(bytesOf(data), normalizePath(path))));
      } catch (error: unknown) {
        throw ioError('writing', path, error);
      }
    },
    async append(path: string, text: string): Promise<void> {
      const key: string = normalizePath(path);
      try {
        await run('readwrite', async (store) => {
          const old: unknown = await requestResult(store.get(key));
          return requestResult(store.put(concat(old instanceof Uint8Array ? old : new Uint8Array(0), encoder.encode(text)), key));
        });
      } catch (error: unknown) {
        throw ioError('appending to', path, error);
      }
    },
    async list(dir: string): Promise<string[]> {
      try {
        const keys: unknown[] = await run('readonly', (store) => requestResult(store.getAllKeys()));
        return childrenOf(
          normalizePath(dir),
          keys.filter((key): key is string => typeof key === 'string'),
        );
      } catch (error: unknown) {
        throw ioError('listing', dir, error);
      }
    },
    async remove(path: string): Promise<void> {
      try {
        await run('readwrite', (store) => requestResult(store.delete(normalizePath(path))));
      } catch (error: unknown) {
        throw ioError('removing', path, error);
      }
    },
    makeDir(): Promise<void> {
      return Promise.resolve();
    },
  };
}
