import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../errors.js';
import { type Logger, silentLogger } from '../io/interfaces.js';
import { installWasmMatMul } from './wasmMatMul.js';

/**
 * A backend the user may ask for. `auto` picks the best one available: in Node (the
 * `tfjs-solver/node` entry) tensorflow GPU, tensorflow CPU, wasm, cpu; in a page webgpu (when its
 * package is imported), webgl, wasm, cpu.
 *
 * @example
 * ```ts
 * const name: BackendName = 'webgl';
 * await selectBackend(name);
 * ```
 */
export type BackendName = 'auto' | 'tensorflow' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** The {@link BackendName}s that can work in Node, in the order the CLI lists them. */
export const BACKEND_NAMES: readonly BackendName[] = Object.freeze(['auto', 'tensorflow', 'wasm', 'cpu']);

/** Every {@link BackendName}: Node's and the page-only `webgpu` and `webgl`. */
const ALL_BACKEND_NAMES: readonly BackendName[] = Object.freeze(['auto', 'tensorflow', 'webgpu', 'webgl', 'wasm', 'cpu']);

/** The tfjs backend a candidate activates. */
export type ActiveBackendName = Exclude<BackendName, 'auto'>;

/** One way to get a backend running, as `selectBackend` tries them. */
export interface BackendCandidate {
  /** The tfjs backend name it activates. */
  readonly name: ActiveBackendName;
  /** How logs and errors call it. */
  readonly label: string;
  /** The npm package that provides it (for "install …" messages and, in Node, the dynamic import). */
  readonly packageName: string;
}

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
/** The install line of the optional wasm backend, in every hint that names it. */
const WASM_INSTALL = 'npm i @tensorflow/tfjs-backend-wasm@4.22.0';
const TF_NODE_GPU: BackendCandidate = {
  name: 'tensorflow',
  label: 'tensorflow GPU (@tensorflow/tfjs-node-gpu)',
  packageName: '@tensorflow/tfjs-node-gpu',
};
const TF_NODE: BackendCandidate = {
  name: 'tensorflow',
  label: 'tensorflow CPU (@tensorflow/tfjs-node)',
  packageName: '@tensorflow/tfjs-node',
};
const WEBGPU: BackendCandidate = {
  name: 'webgpu',
  label: 'webgpu (@tensorflow/tfjs-backend-webgpu)',
  packageName: '@tensorflow/tfjs-backend-webgpu',
};
const WEBGL: BackendCandidate = { name: 'webgl', label: 'webgl (@tensorflow/tfjs)', packageName: '@tensorflow/tfjs' };
const WASM: BackendCandidate = { name: 'wasm', label: `wasm (${WASM_PACKAGE})`, packageName: WASM_PACKAGE };
const CPU: BackendCandidate = { name: 'cpu', label: 'cpu (@tensorflow/tfjs, pure JavaScript)', packageName: '@tensorflow/tfjs' };

/** The candidates `auto` tries in Node, best first (tensorflow GPU → tensorflow CPU → wasm → cpu). */
export const NODE_CANDIDATES: readonly BackendCandidate[] = Object.freeze([TF_NODE_GPU, TF_NODE, WASM, CPU]);

/** The candidates `auto` tries in a page, best first (webgpu → webgl → wasm → cpu). */
export const BROWSER_CANDIDATES: readonly BackendCandidate[] = Object.freeze([WEBGPU, WEBGL, WASM, CPU]);

/**
 * Where the wasm backend finds its `.wasm` files, as tfjs's `setWasmPaths` takes it: a URL or
 * directory prefix ending in `/`, or one URL per binary (`tfjs-backend-wasm.wasm`,
 * `tfjs-backend-wasm-simd.wasm`, `tfjs-backend-wasm-threaded-simd.wasm`), e.g. from a bundler's
 * `?url` import.
 *
 * Why: in a page the binaries are wherever your bundler or server put them; tfjs cannot guess that URL.
 * @example
 * ```ts
 * // vite: let the bundler serve the binaries and hand over their URLs
 * import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
 * import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
 * const paths: WasmPaths = { 'tfjs-backend-wasm.wasm': wasm, 'tfjs-backend-wasm-simd.wasm': simd };
 * await selectBackend('wasm', { wasmPaths: paths });
 * ```
 */
export type WasmPaths = string | Readonly<Partial<Record<WasmBinaryName, string>>>;

/** The three binaries `@tensorflow/tfjs-backend-wasm` ships. */
export type WasmBinaryName = 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

/**
 * The part of `@tensorflow/tfjs-backend-wasm` that {@link selectBackend} uses: importing the
 * package registers the `wasm` backend, and `setWasmPaths` says where its `.wasm` files are.
 * The package's module namespace has this shape.
 *
 * @example
 * ```ts
 * const wasm: WasmBackendModule = { setWasmPaths: (paths) => console.log('binaries at', paths) };
 * wasm.setWasmPaths('/wasm/');
 * ```
 */
export interface WasmBackendModule {
  /** tfjs's `setWasmPaths`: a directory URL ending in `/`, or one URL per binary. */
  setWasmPaths(paths: WasmPaths, usePlatformFetch?: boolean): void;
}

/**
 * How {@link selectBackend} gets the optional wasm backend: the imported package itself, or a
 * function that imports it when it is needed (your bundler then puts it in a chunk of its own,
 * loaded only when `auto` reaches wasm or you ask for it).
 *
 * Why: `@tensorflow/tfjs-backend-wasm` is an optional package (12.9 MB installed); tfjs-solver
 * never imports it itself, so a bundle of yours never refers to a package you did not install.
 *
 * @example
 * ```ts
 * const wasm: WasmBackendSource = () => import('@tensorflow/tfjs-backend-wasm');
 * await selectBackend('auto', { wasm, wasmPaths: '/wasm/' });
 * ```
 */
export type WasmBackendSource = WasmBackendModule | (() => Promise<WasmBackendModule>);

/**
 * Options of {@link selectBackend}.
 *
 * @example
 * ```ts
 * const options: SelectBackendOptions = {
 *   logger: console,
 *   wasm: () => import('@tensorflow/tfjs-backend-wasm'),
 *   wasmPaths: '/static/tfjs-wasm/',
 * };
 * await selectBackend('wasm', options);
 * ```
 */
export interface SelectBackendOptions {
  /** Receives one line saying which backend was chosen and why others were skipped. Default: silent. */
  readonly logger?: Logger;
  /**
   * The wasm backend (see {@link WasmBackendSource}), after `npm i @tensorflow/tfjs-backend-wasm@4.22.0`.
   * In a page it is the only way `selectBackend` gets wasm: without it, `auto` skips wasm and
   * `'wasm'` fails saying to pass it. In Node the default finds the installed package by name.
   */
  readonly wasm?: WasmBackendSource;
  /**
   * Loads an optional package by name. Default in Node: a dynamic `import()` of the name (the
   * native tensorflow packages, and wasm when no `wasm` option is given); in a page nothing is
   * loaded by name. Tests replace it to simulate missing or broken packages.
   */
  readonly importModule?: (specifier: string) => Promise<unknown>;
  /**
   * Where the wasm backend fetches its `.wasm` files (see {@link WasmPaths}), passed to
   * `setWasmPaths` before it starts. Default in Node: the installed package's own directory
   * (offline); in a page: tfjs's default, the directory of the script that loaded it.
   */
  readonly wasmPaths?: WasmPaths;
}

/**
 * What {@link selectBackend} activated, and why it passed over the others.
 *
 * @example
 * ```ts
 * const chosen: SelectedBackend = await selectBackend('auto');
 * if (chosen.name === 'cpu') console.warn(chosen.skipped.join('\n'));
 * ```
 */
export interface SelectedBackend {
  /** The active tfjs backend: `tensorflow` (tfjs-node or tfjs-node-gpu), `webgpu`, `webgl`, `wasm` or `cpu`. */
  readonly name: ActiveBackendName;
  /** A human label: `tensorflow GPU (@tensorflow/tfjs-node-gpu)`, `wasm (@tensorflow/tfjs-backend-wasm)`, … */
  readonly label: string;
  /** One line per candidate tried before it: `<label>: <reason>`. Empty when the first one worked. */
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

/** Where `selectBackend` runs: Node (the `tfjs-solver/node` entry) or a page/worker. */
export interface BackendPlatform {
  /** `node` or `browser`: decides the hints in messages. */
  readonly kind: 'node' | 'browser';
  /** What `auto` tries, best first. */
  readonly candidates: readonly BackendCandidate[];
  /** Loads a package by name (registering its backend): the native tensorflow packages. */
  readonly importModule: (specifier: string) => Promise<unknown>;
  /**
   * Loads the wasm backend's module (registering the backend), or resolves to undefined when this
   * platform has no way to get it (a page given no `wasm` option). A missing package rejects as
   * Node's module-not-found error.
   */
  readonly loadWasm: () => Promise<WasmBackendModule | undefined>;
  /** The `setWasmPaths` argument, or undefined to keep tfjs's default. */
  readonly wasmPaths: () => WasmPaths | undefined;
}

/**
 * Loads the wasm backend from the `wasm` option: the module itself, or the function that imports it.
 * @throws SolverError kind `backend` when what it gives is not the package's module.
 */
export async function loadWasmSource(source: WasmBackendSource): Promise<WasmBackendModule> {
  const loaded: unknown = typeof source === 'function' ? await source() : source;
  if (typeof loaded !== 'object' || loaded === null || typeof (loaded as Partial<WasmBackendModule>).setWasmPaths !== 'function') {
    throw new SolverError(
      'backend',
      `the wasm option gave ${loaded === null ? 'null' : typeof loaded} without setWasmPaths, not the module of ${WASM_PACKAGE}; ` +
        `pass wasm: () => import('${WASM_PACKAGE}')`,
    );
  }
  return loaded as WasmBackendModule;
}

/** The browser-safe entry loads no package by name: native packages exist only in Node. */
function importInPage(specifier: string): Promise<unknown> {
  return Promise.reject(
    new SolverError('backend', `${specifier} can only be loaded in Node: import selectBackend from 'tfjs-solver/node'`),
  );
}

/**
 * The platform of the browser-safe entry: page candidates; wasm only through the `wasm` option
 * (or a test's `importModule`), never through an import of its own, so that a bundle does not
 * refer to a package the user did not install.
 */
export function browserPlatform(options: SelectBackendOptions): BackendPlatform {
  const { wasm, importModule } = options;
  return {
    kind: 'browser',
    candidates: BROWSER_CANDIDATES,
    importModule: importModule ?? importInPage,
    loadWasm: async () => {
      if (wasm !== undefined) return loadWasmSource(wasm);
      return importModule === undefined ? undefined : ((await importModule(WASM_PACKAGE)) as WasmBackendModule);
    },
    wasmPaths: () => options.wasmPaths,
  };
}

/** True when a backend of that name is registered with tfjs (tfjs returns null otherwise, typed as never null). */
function isRegistered(name: string): boolean {
  return (tf.findBackendFactory(name) as unknown) != null;
}

function firstLine(error: unknown): string {
  const message: string = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

/**
 * Loads a candidate's package (registering its backend) and makes it tfjs's active backend.
 * Never throws: failures come back as a reason, so `auto` can move on to the next candidate.
 */
export async function activateCandidate(candidate: BackendCandidate, platform: BackendPlatform): Promise<ActivationResult> {
  try {
    if (candidate.name === 'wasm') {
      const wasm: WasmBackendModule | undefined = await platform.loadWasm();
      if (wasm === undefined) return { ok: false, notInstalled: true, reason: 'not passed (the wasm option of selectBackend)' };
      const paths: WasmPaths | undefined = platform.wasmPaths();
      if (paths !== undefined) wasm.setWasmPaths(paths);
    } else if (candidate.name === 'tensorflow') {
      await platform.importModule(candidate.packageName);
    } else if (candidate.name === 'webgpu' && !isRegistered('webgpu')) {
      return {
        ok: false,
        notInstalled: true,
        reason: `not registered (add import '${candidate.packageName}' to your code before selecting it)`,
      };
    }
    if (!(await tf.setBackend(candidate.name))) {
      return { ok: false, notInstalled: false, reason: `tf.setBackend('${candidate.name}') failed to initialise it` };
    }
    await tf.ready();
    if (candidate.name === 'wasm') installWasmMatMul();
    return { ok: true };
  } catch (error: unknown) {
    if (isModuleNotFound(error, candidate.packageName)) {
      return { ok: false, notInstalled: true, reason: `${candidate.packageName} is not installed` };
    }
    return { ok: false, notInstalled: false, reason: `failed to load: ${firstLine(error)}` };
  }
}

/** What to do when a named backend cannot start, by backend and platform. */
function hintFor(name: BackendName, platform: BackendPlatform, notInstalled: boolean): string {
  const other: string = platform.kind === 'node' ? 'use --backend wasm or cpu' : "use backend 'webgl', 'wasm' or 'cpu'";
  switch (name) {
    case 'tensorflow':
      return platform.kind === 'node'
        ? 'install @tensorflow/tfjs-node@4.22 (CPU) or @tensorflow/tfjs-node-gpu@4.22 (needs CUDA 11.2 + cuDNN 8.1; ' +
            `both download libtensorflow at install time), or ${other}`
        : `the tensorflow backend exists only in Node (import selectBackend from 'tfjs-solver/node'); ${other}`;
    case 'webgpu':
      return `npm install @tensorflow/tfjs-backend-webgpu@4.22 and import '@tensorflow/tfjs-backend-webgpu' before selecting it (needs a browser with WebGPU), or use 'webgl'`;
    case 'webgl':
      return "webgl needs a browser page or worker with WebGL (not Node); use 'wasm' or 'cpu'";
    case 'wasm':
      if (notInstalled) {
        return platform.kind === 'node'
          ? `${WASM_INSTALL} (an optional peer of tfjs-solver), or use --backend cpu`
          : `${WASM_INSTALL} and pass it: selectBackend('wasm', { wasm: () => import('${WASM_PACKAGE}'), wasmPaths }); or use 'webgl' or 'cpu'`;
      }
      return platform.kind === 'node'
        ? ''
        : 'serve the .wasm files of @tensorflow/tfjs-backend-wasm/dist and pass their URL as the wasmPaths option, or use cpu';
    case 'cpu':
      return 'install the peer dependency @tensorflow/tfjs@4.22';
    case 'auto':
      return 'reinstall @tensorflow/tfjs@4.22 (npm install)';
  }
}

/** What `auto` says when it falls back to cpu because wasm is missing. */
function fasterHint(platform: BackendPlatform): string {
  return platform.kind === 'node'
    ? `${WASM_INSTALL} makes it faster`
    : `${WASM_INSTALL} and the wasm option of selectBackend make it faster`;
}

/**
 * `selectBackend` on a given platform (shared by the browser-safe entry and the Node entry).
 * @throws SolverError kind `backend`.
 */
export async function selectBackendOn(platform: BackendPlatform, name: BackendName, logger: Logger): Promise<SelectedBackend> {
  if (!ALL_BACKEND_NAMES.includes(name)) {
    throw new SolverError('backend', `backend '${name}' is not a backend; use one of ${ALL_BACKEND_NAMES.join(', ')}`);
  }
  const candidates: readonly BackendCandidate[] =
    name === 'auto'
      ? platform.candidates
      : [TF_NODE_GPU, TF_NODE, WEBGPU, WEBGL, WASM, CPU].filter(
          (candidate: BackendCandidate) => candidate.name === name && (name !== 'tensorflow' || platform.kind === 'node'),
        );
  const skipped: string[] = [];
  let notInstalled: boolean = false;
  let wasmMissing: boolean = false;
  const brief: string[] = [];
  for (const candidate of candidates) {
    const result = await activateCandidate(candidate, platform);
    if (result.ok) {
      // One line; the full reasons are in `skipped`. Falling to cpu for want of wasm says how to get it.
      const line: string =
        skipped.length === 0 ? `backend: ${candidate.label}` : `backend: ${candidate.name} (skipped ${brief.join('; ')})`;
      logger.info(candidate.name === 'cpu' && wasmMissing ? `${line}; ${fasterHint(platform)}` : line);
      return { name: candidate.name, label: candidate.label, skipped };
    }
    wasmMissing ||= candidate.name === 'wasm' && result.notInstalled;
    notInstalled ||= result.notInstalled;
    skipped.push(`${candidate.label}: ${result.reason}`);
    // tfjs-node and tfjs-node-gpu are both `tensorflow`: name those by package, the others by backend.
    const short: string = candidate.name === 'tensorflow' ? candidate.packageName.replace('@tensorflow/', '') : candidate.name;
    const absent: string = candidate.name === 'wasm' && platform.kind === 'browser' ? 'not passed' : 'not installed';
    brief.push(result.notInstalled ? `${short}: ${absent}` : `${short}: ${result.reason}`);
  }
  const tried: string = skipped.length === 0 ? 'not in this runtime' : skipped.join('; ');
  const hint: string = hintFor(name, platform, notInstalled);
  throw new SolverError('backend', `backend '${name}' is not available: ${tried}${hint === '' ? '' : `; ${hint}`}`);
}

/**
 * Makes a TensorFlow.js backend active and says which.
 *
 * In a page, `auto` tries `webgpu` (only when `@tensorflow/tfjs-backend-webgpu` is imported),
 * `webgl`, `wasm` (only when you pass it as the `wasm` option), then `cpu`, and logs one line
 * naming the choice and why the better ones were skipped. tfjs-solver never imports
 * `@tensorflow/tfjs-backend-wasm` itself: it is optional, so you install it
 * (`npm i @tensorflow/tfjs-backend-wasm@4.22.0`) and hand it over, usually as
 * `() => import('@tensorflow/tfjs-backend-wasm')`, which your bundler splits into a chunk loaded
 * only when wasm is tried. The Node entry (`tfjs-solver/node`) has its own `selectBackend` that
 * tries tensorflow GPU, tensorflow CPU, wasm (found by name when installed), cpu.
 *
 * Why: the best backend differs by machine and page, so it is found at run time, never required;
 * a failure says what to install or which backend to use instead.
 *
 * @param name `auto`, `tensorflow` (Node entry only), `webgpu`, `webgl`, `wasm` or `cpu`.
 * @param options `logger` (default silent); `wasm` (the wasm backend, see {@link WasmBackendSource});
 *   `wasmPaths` (where its `.wasm` files are served); `importModule` (Node: how packages are loaded by name).
 * @returns the active backend and the reasons others were skipped.
 * @throws SolverError kind `backend` when the backend cannot start, saying what to do (for `'wasm'`
 *   without the `wasm` option: install it and pass it).
 * @example
 * ```ts
 * // In a page: serve node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm under /wasm/
 * const chosen = await selectBackend('auto', {
 *   logger: console,
 *   wasm: () => import('@tensorflow/tfjs-backend-wasm'),
 *   wasmPaths: '/wasm/',
 * });
 * console.log(chosen.name); // 'webgl' on most machines
 * ```
 */
export async function selectBackend(name: BackendName, options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  return selectBackendOn(browserPlatform(options), name, options.logger ?? silentLogger);
}
