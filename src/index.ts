// The public API of `tfjs-solver`: the browser-safe core. Nothing reachable from here imports a
// Node module; the Node-only parts (files on disk, native backends) are in `./node.ts`
// (`tfjs-solver/node`). Every name is listed explicitly; `api/index.api.txt` records the list.

// Config: defaults, from an object or a YAML string, or from files through a reader.
export { DEFAULT_CONFIG } from './config/schema.js';
export type { SolverConfig } from './config/schema.js';
export { mergeConfig, parseConfig } from './config/load.js';
export { loadConfig, loadConfigText } from './config/yaml.js';
export type { ConfigLoadOptions } from './config/load.js';
export { memoryTextFileReader } from './io/interfaces.js';
export type { FileStore, Logger, TextFileReader } from './io/interfaces.js';
export { SolverError } from './errors.js';
export type { SolverErrorKind } from './errors.js';

// Backends.
export { selectBackend } from './backend/selectBackend.js';
export type { BackendName, SelectBackendOptions, SelectedBackend, WasmPaths } from './backend/selectBackend.js';
export { translateBackendError } from './backend/translateBackendError.js';

// Optimizer, param groups, clipping, schedules (no container needed).
export { buildOptimizer } from './optim/buildOptimizer.js';
export type { BuildOptimizerOptions } from './optim/buildOptimizer.js';
export { SolverOptimizer } from './optim/SolverOptimizer.js';
export type { StepStats } from './optim/SolverOptimizer.js';
export { getDefaultOptimizerParams } from './optim/groups.js';
export { buildGradientClipper } from './optim/clip.js';
export type { Clipper, ClipperOptions } from './optim/clip.js';
export { buildLrScheduler, buildParamScheduler, LrMultiplier } from './sched/lrScheduler.js';
export type { ParamScheduler } from './sched/schedulers.js';

// Training loops and hooks.
export { Trainer, layersModelLoss } from './train/Trainer.js';
export type { DataSource, TrainerOptions } from './train/Trainer.js';
export { FitCallback } from './train/FitCallback.js';
export { ShuffledBatches } from './train/data.js';
export { HookList } from './hooks/Hook.js';
export type { Hook, HookContext } from './hooks/Hook.js';
export { LrSchedulerHook } from './hooks/LrSchedulerHook.js';
export type { LrScheduler } from './hooks/LrSchedulerHook.js';
export { IterationTimer, MetricsWriter } from './hooks/metrics.js';
export { Checkpointer, PeriodicCheckpointer } from './hooks/Checkpointer.js';
export type { CheckpointerOptions } from './hooks/Checkpointer.js';
export { WeightEma } from './hooks/WeightEma.js';

// Storage in a page.
export { indexedDbFileStore, memoryFileStore } from './io/browser.js';
export type { IndexedDbFileStoreOptions } from './io/browser.js';

// The container.
export { TOKENS, solverContainer, solverModule } from './di/solverModule.js';
export type { Token } from './di/solverModule.js';
export { Solver, createSolver } from './di/Solver.js';
export type { CreateSolverOptions } from './di/Solver.js';
