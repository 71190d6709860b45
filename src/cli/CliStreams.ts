/**
 * The two text sinks the CLI writes to.
 *
 * Why injectable: tests call `main(argv, streams)` in-process and assert what was written,
 * instead of spawning a child process. `bin/tfjs-solver.js` passes the process streams.
 */
export interface CliStreams {
  /** Command results: human text, or with `--json` exactly one JSON document. */
  readonly stdout: (text: string) => void;
  /** Logs, warnings and error lines. Never read by machines. */
  readonly stderr: (text: string) => void;
}
