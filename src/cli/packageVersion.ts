import { createRequire } from 'node:module';

/**
 * The installed package's version, read from its package.json (two levels up from both
 * `src/cli/` and `dist/cli/`), for `tfjs-solver --version`.
 */
export function packageVersion(): string {
  const manifest: unknown = createRequire(import.meta.url)('../../package.json');
  const version: unknown = (manifest as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}
