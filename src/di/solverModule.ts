import type * as tf from '@tensorflow/tfjs';
import { type Container, ContainerModule, type ContainerModuleLoadOptions, type ResolutionContext } from 'inversify';
import 'reflect-metadata';
import type { SolverConfig } from '../config/schema.js';
import { Checkpointer, type CheckpointParts, PeriodicCheckpointer } from '../hooks/Checkpointer.js';
import type { Hook } from '../hooks/Hook.js';
import { type LrScheduler, LrSchedulerHook } from '../hooks/LrSchedulerHook.js';
import { IterationTimer, MetricsWriter, pickReportedGroup } from '../hooks/metrics.js';
import { layersModelVariables, WeightEma } from '../hooks/WeightEma.js';
import { type FileStore, type Logger, silentLogger } from '../io/interfaces.js';
import { buildOptimizer, type BuildOptimizerOptions } from '../optim/buildOptimizer.js';
import { buildGradientClipper, type Clipper } from '../optim/clip.js';
import type { OptimizerGroup, SolverOptimizer } from '../optim/SolverOptimizer.js';
import { buildLrScheduler } from '../sched/lrScheduler.js';
import { type GradientReducer, identityReducer } from '../train/Trainer.js';

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
 * | `Clipper` | `Clipper` | `buildGradientClipper` from `SOLVER.CLIP_GRADIENTS` (fused norm on cpu/wasm) |
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

/** `get(token)` typed by the token (inversify cannot infer a type from a symbol); a container or a resolution context. */
export function resolve<T>(source: Pick<ResolutionContext, 'get'>, token: Token<T>): T {
  return source.get<T>(token);
}

/** `get(token, { optional: true })` typed by the token: undefined when nothing is bound. */
export function resolveOptional<T>(source: Pick<ResolutionContext, 'get'>, token: Token<T>): T | undefined {
  return source.get<T>(token, { optional: true });
}

/** `container.getAll(token)` typed by the token, in binding order (empty when none is bound). */
export function resolveAll<T>(container: Container, token: Token<T>): T[] {
  return container.getAll<T>(token, { optional: true });
}

function checkpointerFrom(ctx: ResolutionContext): Checkpointer {
  const config: SolverConfig = resolve(ctx, TOKENS.Config);
  const ema: WeightEma | undefined = resolveOptional(ctx, TOKENS.WeightEma);
  const parts: CheckpointParts = {
    model: resolve(ctx, TOKENS.ModelVariables),
    optimizer: resolve(ctx, TOKENS.Optimizer),
    scheduler: resolve(ctx, TOKENS.Scheduler),
    config,
    ...(ema === undefined ? {} : { ema }),
  };
  return new Checkpointer(parts, {
    files: resolve(ctx, TOKENS.FileStore),
    dir: config.OUTPUT_DIR,
    maxToKeep: config.TRAIN.MAX_TO_KEEP,
    logger: resolve(ctx, TOKENS.Logger),
  });
}

function lrHookFrom(ctx: ResolutionContext): LrSchedulerHook {
  const optimizer: SolverOptimizer = resolve(ctx, TOKENS.Optimizer);
  const sizes: number[] = resolve(ctx, TOKENS.ParamGroups).map((group) => group.names.length);
  return new LrSchedulerHook(resolve(ctx, TOKENS.Scheduler), pickReportedGroup(sizes, optimizer.baseLearningRates));
}

function metricsWriterFrom(ctx: ResolutionContext): MetricsWriter {
  const config: SolverConfig = resolve(ctx, TOKENS.Config);
  const optimizer: SolverOptimizer = resolve(ctx, TOKENS.Optimizer);
  return new MetricsWriter({
    files: resolve(ctx, TOKENS.FileStore),
    dir: config.OUTPUT_DIR,
    period: config.TRAIN.LOG_PERIOD,
    stats: () => optimizer.lastStepStats(),
  });
}

/**
 * Binds the checkpointer, the weight EMA (when `TRAIN.EMA_ENABLED`) and the default hooks, each a
 * singleton, to `TOKENS.Hook` in this order, because:
 * timer first (it measures the step, not the other hooks); the LR hook next (it records the LR
 * the step used before anyone reports it); the EMA before the checkpointer (a checkpoint holds
 * the average including this step); the metrics writer last (it reports what the others recorded).
 * Hooks a user binds later run after these.
 */
export function bindDefaultHooks(options: ContainerModuleLoadOptions, config: SolverConfig): void {
  const { bind } = options;
  if (config.TRAIN.EMA_ENABLED) {
    bind(TOKENS.WeightEma)
      .toDynamicValue((ctx) => new WeightEma(resolve(ctx, TOKENS.ModelVariables), resolve(ctx, TOKENS.Config).TRAIN.EMA_DECAY))
      .inSingletonScope();
  }
  bind(TOKENS.Checkpointer).toDynamicValue(checkpointerFrom).inSingletonScope();
  bind(TOKENS.Hook)
    .toDynamicValue((ctx) => new IterationTimer({ logger: resolve(ctx, TOKENS.Logger) }))
    .inSingletonScope();
  bind(TOKENS.Hook).toDynamicValue(lrHookFrom).inSingletonScope();
  if (config.TRAIN.EMA_ENABLED) bind(TOKENS.Hook).toService(TOKENS.WeightEma);
  bind(TOKENS.Hook)
    .toDynamicValue(
      (ctx) => new PeriodicCheckpointer(resolve(ctx, TOKENS.Checkpointer), resolve(ctx, TOKENS.Config).SOLVER.CHECKPOINT_PERIOD),
    )
    .inSingletonScope();
  bind(TOKENS.Hook).toDynamicValue(metricsWriterFrom).inSingletonScope();
}

function optimizerFrom(ctx: ResolutionContext): SolverOptimizer {
  const config: SolverConfig = resolve(ctx, TOKENS.Config);
  const clipper: Clipper = resolve(ctx, TOKENS.Clipper);
  const reducer: GradientReducer = resolve(ctx, TOKENS.GradientReducer);
  return buildOptimizer(config, resolve(ctx, TOKENS.Model), {
    ...resolve(ctx, TOKENS.ParamGroupOptions),
    clipper,
    ...(reducer === identityReducer ? {} : { reducer }),
  });
}

function clipperFrom(config: SolverConfig): Clipper {
  const clip = config.SOLVER.CLIP_GRADIENTS;
  // Fused on cpu/wasm (one kernel pass for the global norm), buildGradientClipper's clipper elsewhere.
  return buildGradientClipper({
    clipType: clip.ENABLED ? clip.CLIP_TYPE : 'none',
    clipValue: clip.CLIP_VALUE,
    normType: clip.NORM_TYPE,
    nonFinite: clip.NONFINITE,
  });
}

/**
 * The container module that wires a whole solver from a config: optimizer (with its param
 * groups and Clipper), LR scheduler, checkpointer and the default hooks (see {@link TOKENS} for
 * every binding). You bind `TOKENS.Model`; everything else has a default you may replace.
 *
 * Why a module: the container is the composition root. Library classes take their
 * collaborators as constructor arguments and know nothing of inversify; this module is the one
 * place that decides which implementation goes where. Stateful parts (optimizer, scheduler,
 * checkpointer, hooks, EMA) are singletons (inversify's default scope is transient, which would
 * give every consumer a fresh optimizer with empty slots). Override before the first resolution
 * (`createSolver`), with inversify 8's synchronous `rebind`:
 *
 * @param config a loaded config (`loadConfig`, or `DEFAULT_CONFIG`).
 * @returns a `ContainerModule` for `container.load(...)`.
 * @example
 * ```ts
 * const container = new Container();
 * container.load(solverModule(config));
 * container.bind(TOKENS.Model).toConstantValue(model);
 * container.rebind(TOKENS.Clipper).to(MyClipper).inSingletonScope();   // optional: your clipper
 * container.bind(TOKENS.Hook).toConstantValue(myHook);               // optional: one more hook
 * const solver = await createSolver(container);
 * ```
 */
export function solverModule(config: SolverConfig): ContainerModule {
  return new ContainerModule((options: ContainerModuleLoadOptions): void => {
    const { bind } = options;
    bind(TOKENS.Config).toConstantValue(config);
    bind(TOKENS.Logger).toConstantValue(silentLogger);
    bind(TOKENS.ParamGroupOptions).toConstantValue({});
    bind(TOKENS.GradientReducer).toConstantValue(identityReducer);
    bind(TOKENS.Clipper)
      .toDynamicValue((ctx) => clipperFrom(resolve(ctx, TOKENS.Config)))
      .inSingletonScope();
    bind(TOKENS.ModelVariables)
      .toDynamicValue((ctx) => layersModelVariables(resolve(ctx, TOKENS.Model)))
      .inSingletonScope();
    bind(TOKENS.Optimizer).toDynamicValue(optimizerFrom).inSingletonScope();
    bind(TOKENS.ParamGroups).toDynamicValue((ctx) => resolve(ctx, TOKENS.Optimizer).paramGroups);
    bind(TOKENS.Scheduler)
      .toDynamicValue((ctx) => buildLrScheduler(resolve(ctx, TOKENS.Config), resolve(ctx, TOKENS.Optimizer)))
      .inSingletonScope();
    bindDefaultHooks(options, config);
  });
}

// Dependency injection (inversify 8): the tokens, the module that wires a solver from a config,
// and the one call that resolves it. inversify is used here and nowhere else in the library.
