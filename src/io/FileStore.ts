/**
 * The file access checkpoints and metrics need, as a small interface.
 *
 * Why an interface: everything below `src/cli` must run in a web page too, so it never imports
 * Node's `fs`. `nodeFileStore` implements this on a disk; a test or a page can implement it on
 * memory or IndexedDB. Paths are `/`-separated strings; `dir + '/' + name` joins them.
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
