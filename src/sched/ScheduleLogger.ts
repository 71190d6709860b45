/**
 * Where schedule building reports what it changed in a config (the dropped `SOLVER.STEPS`).
 *
 * Why: the library never writes to the console itself; the CLI routes warnings to stderr and a
 * test collects them. Any logger with a `warn(message)` method fits (the project's `Logger` does).
 */
export interface ScheduleLogger {
  /** A warning that does not stop the build. */
  warn(message: string): void;
}
