import type { CliStreams } from './CliStreams.js';

/** The real process streams, used by `bin/tfjs-solver.js` when no streams are injected. */
export const processStreams: CliStreams = Object.freeze({
  stdout: (text: string): void => {
    process.stdout.write(text);
  },
  stderr: (text: string): void => {
    process.stderr.write(text);
  },
});
