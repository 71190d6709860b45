import type { Logger } from '../io/Logger.js';

/**
 * A {@link Logger} that writes one line per message to the given stderr writer;
 * warnings are prefixed with `warning: `.
 */
export function stderrLogger(stderr: (text: string) => void): Logger {
  return {
    info: (message: string): void => {
      stderr(`${message}\n`);
    },
    warn: (message: string): void => {
      stderr(`warning: ${message}\n`);
    },
  };
}
