import type { CliStreams } from '../../src/cli/main.js';

/** Streams that collect what the CLI writes, for in-process tests of `main()`. */
export interface CapturedStreams extends CliStreams {
  readonly out: () => string;
  readonly err: () => string;
}

export function captureStreams(): CapturedStreams {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: (text: string): void => {
      out.push(text);
    },
    stderr: (text: string): void => {
      err.push(text);
    },
    out: (): string => out.join(''),
    err: (): string => err.join(''),
  };
}
