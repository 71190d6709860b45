import { SolverError } from '../errors/SolverError.js';
import type { Logger } from '../io/Logger.js';
import { silentLogger } from '../io/silentLogger.js';
import { activateCandidate, type ActivationEnvironment } from './activateCandidate.js';
import { AUTO_CANDIDATES, type BackendCandidate } from './BackendCandidate.js';
import type { BackendName } from './BackendName.js';
import { isModuleNotFound } from './isModuleNotFound.js';
import type { SelectBackendOptions } from './SelectBackendOptions.js';
import type { SelectedBackend } from './SelectedBackend.js';

/** What to do when a named backend's package is missing, by backend. */
const INSTALL_HINTS: Readonly<Record<BackendName, string>> = Object.freeze({
  auto: 'reinstall this package (npm install)',
  tensorflow:
    'install @tensorflow/tfjs-node@4.22 (CPU) or @tensorflow/tfjs-node-gpu@4.22 (needs CUDA 11.2 + cuDNN 8.1; ' +
    'both download libtensorflow at install time), or use --backend wasm or cpu',
  wasm: 'install @tensorflow/tfjs-backend-wasm@4.22 (a dependency of tfjs-solver: npm install restores it), or use --backend cpu',
  cpu: 'install the peer dependency @tensorflow/tfjs@4.22',
});

/**
 * Makes a TensorFlow.js backend active and says which.
 *
 * `auto` tries tensorflow GPU (`@tensorflow/tfjs-node-gpu`), tensorflow CPU (`@tensorflow/tfjs-node`),
 * `wasm`, then `cpu`, and logs one line naming the choice and why the better ones were skipped.
 * `tensorflow` tries the two native packages (GPU first); `wasm` and `cpu` ship with the package.
 *
 * Why: the native packages are optional peers that cannot be installed everywhere (their install
 * downloads libtensorflow), so the best backend present is found at run time, never required.
 *
 * @param name `auto`, `tensorflow`, `wasm` or `cpu`.
 * @param options `logger` (default silent); `wasmPaths` (default in Node: the package's own `dist/`);
 *   `importModule` (default dynamic `import()`).
 * @returns the active backend and the reasons others were skipped.
 * @throws SolverError kind `backend` when a named backend is not installed (saying what to install)
 *   or fails to start.
 * @example
 * ```ts
 * const chosen = await selectBackend('auto', { logger: console });
 * // logs e.g. "backend: wasm (skipped tensorflow GPU (...): @tensorflow/tfjs-node-gpu is not installed; ...)"
 * ```
 */
export async function selectBackend(name: BackendName, options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  const logger: Logger = options.logger ?? silentLogger;
  const environment: ActivationEnvironment = {
    importModule: options.importModule ?? ((specifier: string): Promise<unknown> => import(specifier)),
    wasmPaths: async () => options.wasmPaths ?? (isNode() ? (await import('./nodeWasmDirectory.js')).nodeWasmDirectory() : undefined),
    isModuleNotFound,
  };
  const candidates: readonly BackendCandidate[] =
    name === 'auto' ? AUTO_CANDIDATES : AUTO_CANDIDATES.filter((candidate: BackendCandidate) => candidate.name === name);
  const skipped: string[] = [];
  let missingPackage: boolean = false;
  for (const candidate of candidates) {
    const result = await activateCandidate(candidate, environment);
    if (result.ok) {
      const why: string = skipped.length === 0 ? '' : ` (skipped ${skipped.join('; ')})`;
      logger.info(`backend: ${candidate.label}${why}`);
      return { name: candidate.name, label: candidate.label, skipped };
    }
    missingPackage ||= result.notInstalled;
    skipped.push(`${candidate.label}: ${result.reason}`);
  }
  const hint: string = missingPackage ? `; ${INSTALL_HINTS[name]}` : '';
  throw new SolverError('backend', `backend '${name}' is not available: ${skipped.join('; ')}${hint}`);
}

function isNode(): boolean {
  const runtime = globalThis as { process?: { versions?: { node?: unknown } } };
  return typeof runtime.process?.versions?.node === 'string';
}
