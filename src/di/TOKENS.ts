import type * as tf from '@tensorflow/tfjs';
import type { SolverConfig } from '../config/SolverConfig.js';
import type { Checkpointer } from '../hooks/checkpoint/Checkpointer.js';
import type { Hook } from '../hooks/Hook.js';
import type { LrScheduler } from '../hooks/LrScheduler.js';
import type { WeightEma } from '../hooks/WeightEma.js';
import type { FileStore } from '../io/FileStore.js';
import type { Logger } from '../io/Logger.js';
import type { BuildOptimizerOptions } from '../optim/BuildOptimizerOptions.js';
import type { Clipper } from '../optim/clip/Clipper.js';
import type { OptimizerGroup } from '../optim/optimizer/OptimizerGroup.js';
import type { SolverOptimizer } from '../optim/optimizer/SolverOptimizer.js';
import type { GradientReducer } from '../train/GradientReducer.js';

/** A service identifier that carries the type it resolves to (for typed `container.get`). */
export type Token<T> = symbol & { readonly __resolves?: T };

function token<T>(name: string): Token<T> {
  return Symbol.for(`tfjs-solver/${name}`);
}

/**
 * The service identifiers of tfjs-solver's container, one per swappable part.
 *
 * Why `Symbol.for`: two copies of the package in one process (a library and an app) still agree
 * on the identifiers, as inversify's own brand symbols do. `solverModule(config)` binds every
 * token except `Model`, which the user binds; replace a part with one `container.rebind(token)`,
 * add a hook with one `container.bind(TOKENS.Hook)`.
 *
 * | token | resolves to | default binding |
 * |---|---|---|
 * | `Config` | `SolverConfig` | the config given to `solverModule` |
 * | `Model` | `tf.LayersModel` | none: bind yours |
 * | `ModelVariables` | `Map<name, tf.Variable>` | `layersModelVariables(model)` |
 * | `ParamGroupOptions` | overrides, lrFactorFunc, normTypes | `{}` |
 * | `ParamGroups` | the optimizer's groups | `optimizer.paramGroups` |
 * | `Clipper` | `Clipper` | `fusedGradientClipper` (= `buildGradientClipper` off cpu/wasm) from `SOLVER.CLIP_GRADIENTS` |
 * | `GradientReducer` | `GradientReducer` | `identityReducer` |
 * | `Optimizer` | `SolverOptimizer` | `buildOptimizer(config, model, { clipper })` |
 * | `Scheduler` | `LrScheduler` | `buildLrScheduler(config, optimizer)` |
 * | `WeightEma` | `WeightEma` | bound when `TRAIN.EMA_ENABLED` |
 * | `Checkpointer` | `Checkpointer` | in `OUTPUT_DIR`, keeping `TRAIN.MAX_TO_KEEP` |
 * | `Hook` (many) | `Hook` | timer, LR, EMA, checkpointer, metrics writer, in that order |
 * | `FileStore` | `FileStore` | `nodeFileStore` (bound by `createSolver` when missing) |
 * | `Logger` | `Logger` | `silentLogger` |
 */
export const TOKENS = Object.freeze({
  Config: token<SolverConfig>('Config'),
  Model: token<tf.LayersModel>('Model'),
  ModelVariables: token<ReadonlyMap<string, tf.Variable>>('ModelVariables'),
  ParamGroupOptions: token<Omit<BuildOptimizerOptions, 'clipper'>>('ParamGroupOptions'),
  ParamGroups: token<readonly Readonly<OptimizerGroup>[]>('ParamGroups'),
  Clipper: token<Clipper>('Clipper'),
  GradientReducer: token<GradientReducer>('GradientReducer'),
  Optimizer: token<SolverOptimizer>('Optimizer'),
  Scheduler: token<LrScheduler>('Scheduler'),
  WeightEma: token<WeightEma>('WeightEma'),
  Checkpointer: token<Checkpointer>('Checkpointer'),
  Hook: token<Hook>('Hook'),
  FileStore: token<FileStore>('FileStore'),
  Logger: token<Logger>('Logger'),
});
