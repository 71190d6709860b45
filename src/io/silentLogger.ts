import type { Logger } from './Logger.js';

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
