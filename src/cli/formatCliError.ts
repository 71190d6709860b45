import { translateBackendError } from '../backend/translateBackendError.js';
import { SolverError } from '../errors/SolverError.js';

/**
 * The text the CLI prints for a failed command: one line `tfjs-solver: <message>`, or with
 * `verbose` the stack trace (and the causes') after it.
 *
 * Why one line: users read the first line; stack traces are for bug reports (`--verbose`).
 * tfjs's raw "Kernel 'X' not registered for backend 'Y'" (e.g. Conv2D's gradient on wasm) is
 * first turned into a `backend` error that names the backend and the fix ({@link translateBackendError}).
 */
export function formatCliError(thrown: unknown, verbose: boolean): string {
  const error: unknown = translateBackendError(thrown);
  const message: string = error instanceof Error ? error.message : String(error);
  const prefix: string = SolverError.is(error) ? 'tfjs-solver' : 'tfjs-solver: internal error';
  const firstLine: string = `${prefix}: ${message.split('\n').join(' ')}\n`;
  if (!verbose) return firstLine;
  return firstLine + stackOf(error);
}

function stackOf(error: unknown): string {
  let text: string = '';
  let current: unknown = error;
  while (current instanceof Error) {
    text += `${current.stack ?? current.message}\n`;
    current = current.cause;
    if (current !== undefined) text += 'caused by: ';
  }
  return text;
}
