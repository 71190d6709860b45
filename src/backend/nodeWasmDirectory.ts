import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * The directory (with a trailing `/`) holding the installed `@tensorflow/tfjs-backend-wasm`'s
 * `.wasm` binaries, for `setWasmPaths`. Node only.
 *
 * Why: in Node the package finds its binaries next to its own `main` script, but only as long as that
 * script is not bundled or copied elsewhere; pinning the directory keeps the backend offline-safe.
 */
export function nodeWasmDirectory(): string {
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
}
