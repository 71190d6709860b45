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
