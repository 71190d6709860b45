import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../errors.js';
import { type Logger, silentLogger } from '../io/interfaces.js';

/**
 * A backend the user may ask for: `auto` picks the best one installed
 * (tensorflow GPU, tensorflow CPU, wasm, cpu, in that order).
 */
export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** Every accepted {@link BackendName}, in the order the CLI lists them. */
export const BACKEND_NAMES: readonly BackendName[] = Object.freeze(['auto', 'tensorflow', 'wasm', 'cpu']);

/** One way to get a backend running, as `selectBackend` tries them. */
export interface BackendCandidate {
  /** The tfjs backend name it activates. */
  readonly name: 'tensorflow' | 'wasm' | 'cpu';
  /** How logs and errors call it. */
  readonly label: string;
  /** The npm package that provides it (for "install …" messages and the dynamic import). */
  readonly packageName: string;
}

/** The candidates `auto` tries, best first (DESIGN.md "Backends"). */
export const AUTO_CANDIDATES: readonly BackendCandidate[] = Object.freeze([
  { name: 'tensorflow', label: 'tensorflow GPU (@tensorflow/tfjs-node-gpu)', packageName: '@tensorflow/tfjs-node-gpu' },
  { name: 'tensorflow', label: 'tensorflow CPU (@tensorflow/tfjs-node)', packageName: '@tensorflow/tfjs-node' },
  { name: 'wasm', label: 'wasm (@tensorflow/tfjs-backend-wasm)', packageName: '@tensorflow/tfjs-backend-wasm' },
  { name: 'cpu', label: 'cpu (@tensorflow/tfjs, pure JavaScript)', packageName: '@tensorflow/tfjs' },
]);

/** Options of `selectBackend`. */
export interface SelectBackendOptions {
  /** Receives one line saying which backend was chosen and why others were skipped. Default: silent. */
  readonly logger?: Logger;
  /**
   * Loads an optional package by name. Default: the runtime's dynamic `import()`. Tests replace it
   * to simulate installed-but-broken native backends.
   */
  readonly importModule?: (specifier: string) => Promise<unknown>;
  /**
   * Where the wasm backend finds its `.wasm` files (a directory URL or path ending in `/`), passed to
   * `setWasmPaths`. Default in Node: the installed package's `dist/` directory (offline); in a browser:
   * tfjs's own default (next to the bundle), unless given.
   */
  readonly wasmPaths?: string;
}

/** What `selectBackend` activated, and why it passed over the others. */
export interface SelectedBackend {
  /** The active tfjs backend: `tensorflow` (tfjs-node or tfjs-node-gpu), `wasm` or `cpu`. */
  readonly name: 'tensorflow' | 'wasm' | 'cpu';
  /** A human label: `tensorflow (GPU, @tensorflow/tfjs-node-gpu)`, `wasm`, `cpu`, … */
  readonly label: string;
  /** One line per candidate tried before it: `<label>: <reason>`. Empty for a named backend. */
  readonly skipped: readonly string[];
}

/**
 * True when `error` says that the package `specifier` itself is not installed (Node's
 * `ERR_MODULE_NOT_FOUND`/`MODULE_NOT_FOUND` naming it), as opposed to an installed package that
 * failed while loading (a missing native library, say).
 */
export function isModuleNotFound(error: unknown, specifier: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const notFound: boolean = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
  return notFound && typeof message === 'string' && message.includes(`'${specifier}'`);
}

/** What happened when one candidate was tried. */
export type ActivationResult = { readonly ok: true } | { readonly ok: false; readonly notInstalled: boolean; readonly reason: string };

/** How a candidate's package is loaded, and where wasm binaries are. */
export interface ActivationEnvironment {
  readonly importModule: (specifier: string) => Promise<unknown>;
  /** Resolves the `setWasmPaths` prefix, or undefined to keep tfjs's default. */
  readonly wasmPaths: () => Promise<string | undefined>;
  readonly isModuleNotFound: (error: unknown, specifier: string) => boolean;
}

/**
 * Loads a candidate's package (registering its backend) and makes it tfjs's active backend.
 * Never throws: failures come back as a reason, so `auto` can move on to the next candidate.
 */
export async function activateCandidate(candidate: BackendCandidate, environment: ActivationEnvironment): Promise<ActivationResult> {
  try {
    if (candidate.name === 'wasm') {
      const wasm = (await environment.importModule(candidate.packageName)) as { setWasmPaths?: (prefix: string) => void };
      const prefix: string | undefined = await environment.wasmPaths();
      if (prefix !== undefined) wasm.setWasmPaths?.(prefix);
    } else if (candidate.name === 'tensorflow') {
      await environment.importModule(candidate.packageName);
    }
    if (!(await tf.setBackend(candidate.name))) {
      return { ok: false, notInstalled: false, reason: `tf.setBackend('${candidate.name}') failed to initialise it` };
    }
    await tf.ready();
    return { ok: true };
  } catch (error: unknown) {
    if (environment.isModuleNotFound(error, candidate.packageName)) {
      return { ok: false, notInstalled: true, reason: `${candidate.packageName} is not installed` };
    }
    const message: string = error instanceof Error ? error.message : String(error);
    return { ok: false, notInstalled: false, reason: `failed to load: ${message.split('\n')[0] ?? message}` };
  }
}

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
    wasmPaths: async () => options.wasmPaths ?? (isNode() ? (await import('../io/node.js')).nodeWasmDirectory() : undefined),
    isModuleNotFound,
  };
  const candidates: readonly BackendCandidate[] =
    name === 'auto' ? AUTO_CANDIDATES : AUTO_CANDIDATES.filter((candidate: BackendCandidate) => candidate.name === name);
  const skipped: string[] = [];
  const brief: string[] = [];
  let missingPackage: boolean = false;
  for (const candidate of candidates) {
    const result = await activateCandidate(candidate, environment);
    if (result.ok) {
      // One short line (fits 80 columns): package names without the scope; the full reasons are in `skipped`.
      logger.info(skipped.length === 0 ? `backend: ${candidate.label}` : `backend: ${candidate.name} (skipped ${brief.join('; ')})`);
      return { name: candidate.name, label: candidate.label, skipped };
    }
    missingPackage ||= result.notInstalled;
    skipped.push(`${candidate.label}: ${result.reason}`);
    const short: string = candidate.packageName.replace('@tensorflow/', '');
    brief.push(result.notInstalled ? `${short}: not installed` : `${short}: ${result.reason}`);
  }
  const hint: string = missingPackage ? `; ${INSTALL_HINTS[name]}` : '';
  throw new SolverError('backend', `backend '${name}' is not available: ${skipped.join('; ')}${hint}`);
}

function isNode(): boolean {
  const runtime = globalThis as { process?: { versions?: { node?: unknown } } };
  return typeof runtime.process?.versions?.node === 'string';
}
