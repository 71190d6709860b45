// The public API of `tfjs-solver/node`: everything in `tfjs-solver`, plus what only Node can do.
// The three functions below replace the browser-safe ones of the same name with Node defaults:
// YAML files (and `_BASE_`) read from disk, checkpoints on disk, native backends discovered.
import type { Container } from 'inversify';
import {
  type BackendPlatform,
  type BackendName,
  loadWasmSource,
  NODE_CANDIDATES,
  type SelectBackendOptions,
  type SelectedBackend,
  selectBackendOn,
  type WasmBackendModule,
} from './backend/selectBackend.js';
import type { ConfigLoadOptions } from './config/load.js';
import { loadConfig as loadConfigWith } from './config/yaml.js';
import type { SolverConfig } from './config/schema.js';
import { type CreateSolverOptions, createSolver as createSolverWith, type Solver } from './di/Solver.js';
import { TOKENS } from './di/solverModule.js';
import { silentLogger } from './io/interfaces.js';
import { nodeFileStore, nodeTextFileReader, nodeWasmDirectory } from './io/node.js';

export * from './index.js';
export { nodeFileStore, nodeTextFileReader } from './io/node.js';

/**
 * Loads a detectron2-style YAML config from disk: the defaults, then the `_BASE_` chain (each
 * path relative to the file naming it), then the file, then `overrides` as detectron2's `--opts`;
 * validated and deeply frozen. The browser-safe `loadConfig` of `tfjs-solver` does the same
 * through a reader you pass.
 *
 * Why: a detectron2 recipe (`SOLVER:` block, `_BASE_` files, `--opts` pairs) loads unchanged.
 *
 * @param path the YAML file.
 * @param overrides `KEY VALUE` pairs, values parsed as YAML; default none.
 * @param options `logger` (for the one warning naming ignored sections), `reader` (default: the disk).
 * @returns the validated, deeply frozen config.
 * @throws SolverError kind `config` naming key path, value, rule and file; kind `io` for unreadable files.
 * @example
 * ```ts
 * const config = await loadConfig('configs/run.yaml', ['SOLVER.BASE_LR', '0.02']);
 * config.SOLVER.BASE_LR; // 0.02
 * ```
 */
export function loadConfig(path: string, overrides: readonly string[] = [], options: ConfigLoadOptions = {}): Promise<SolverConfig> {
  return loadConfigWith(path, overrides, { ...options, reader: options.reader ?? nodeTextFileReader });
}

/**
 * Resolves a {@link Solver} from a container loaded with `solverModule(config)` and a bound
 * `TOKENS.Model`, as the `createSolver` of `tfjs-solver` does, binding `TOKENS.FileStore` to
 * {@link nodeFileStore} (checkpoints and `metrics.json` in `OUTPUT_DIR` on disk) when nothing is bound.
 *
 * Why: in Node the disk is the store everyone wants; the browser-safe entry cannot import it.
 *
 * @param container the container.
 * @param options `resume`: load the newest intact checkpoint of `OUTPUT_DIR` first.
 * @returns the solver: its optimizer, hooks, `fit` and `trainer`.
 * @throws SolverError from building the parts (config errors) or from `resume`.
 * @example
 * ```ts
 * const solver = await createSolver(container, { resume: true });
 * model.compile({ optimizer: solver.optimizer, loss: 'meanSquaredError' });
 * await solver.fit(model, xs, ys, { epochs: 50, batchSize: 32 });
 * ```
 */
export function createSolver(container: Container, options: CreateSolverOptions = {}): Promise<Solver> {
  if (!container.isBound(TOKENS.FileStore) && options.output !== 'memory') container.bind(TOKENS.FileStore).toConstantValue(nodeFileStore);
  return createSolverWith(container, options);
}

/**
 * Makes a TensorFlow.js backend active in Node and says which. `auto` tries tensorflow GPU
 * (`@tensorflow/tfjs-node-gpu`), tensorflow CPU (`@tensorflow/tfjs-node`), wasm
 * (`@tensorflow/tfjs-backend-wasm`), then cpu, and logs one line naming the choice and why the
 * better ones were skipped; `tensorflow` tries the two native packages (GPU first). All three are
 * optional packages, found by name when installed; when `auto` ends on cpu because wasm is
 * missing, its line says that `npm i @tensorflow/tfjs-backend-wasm@4.22.0` makes it faster. The
 * wasm backend loads its `.wasm` files from the installed package's directory (offline) unless
 * `wasmPaths` says otherwise.
 *
 * Why: the optional packages are large (wasm) or download libtensorflow at install (the native
 * ones), so the best backend present is found at run time, never required.
 *
 * @param name `auto`, `tensorflow`, `wasm` or `cpu` (`webgl`/`webgpu` exist only in a page).
 * @param options `logger` (default silent), `wasm` (the module, instead of finding it by name),
 *   `wasmPaths`, `importModule` (default dynamic `import()`).
 * @returns the active backend and the reasons others were skipped.
 * @throws SolverError kind `backend` when the backend cannot start, saying what to install or use
 *   (for `'wasm'` when it is not installed: `npm i @tensorflow/tfjs-backend-wasm@4.22.0`).
 * @example
 * ```ts
 * const chosen = await selectBackend('auto', { logger: console });
 * // logs e.g. "backend: wasm (skipped tfjs-node-gpu: not installed; tfjs-node: not installed)"
 * ```
 */
export function selectBackend(name: BackendName, options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  const importModule = options.importModule ?? ((specifier: string): Promise<unknown> => import(specifier));
  const { wasm } = options;
  const platform: BackendPlatform = {
    kind: 'node',
    candidates: NODE_CANDIDATES,
    importModule,
    loadWasm: async () =>
      wasm === undefined ? ((await importModule('@tensorflow/tfjs-backend-wasm')) as WasmBackendModule) : loadWasmSource(wasm),
    wasmPaths: () => options.wasmPaths ?? nodeWasmDirectory(),
  };
  return selectBackendOn(platform, name, options.logger ?? silentLogger);
}
