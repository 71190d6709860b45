/**
 * Reads text files for the config loader, and resolves paths relative to another file.
 *
 * Why an interface: `src/config` runs in browsers too, where there is no `fs`; a page passes a
 * reader backed by `fetch` or by files it already holds (see {@link memoryTextFileReader}), Node uses
 * {@link nodeTextFileReader}. Path resolution belongs here because "relative to a file" means
 * different things on disk and on the web.
 */
export interface TextFileReader {
  /**
   * The whole file as UTF-8 text.
   * @throws SolverError kind `io` naming the path when it cannot be read.
   */
  readText(path: string): Promise<string>;
  /** The path of `relative` as seen from the file `fromFile` (absolute `relative` paths stay as they are). */
  resolve(fromFile: string, relative: string): string;
}
