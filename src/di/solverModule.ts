import * as tf from '@tensorflow/tfjs';
import { Container, ContainerModule, type ContainerModuleLoadOptions, type ResolutionContext } from 'inversify';
import 'reflect-metadata';
import type { SolverConfig } from '../config/schema.js';
import { configHash, type RunIdentity } from '../hooks/checkpointCodec.js';
import { Checkpointer, type CheckpointParts, PeriodicCheckpointer } from '../hooks/Checkpointer.js';
import type { Hook } from '../hooks/Hook.js';
import { type LrScheduler, LrSchedulerHook } from '../hooks/LrSchedulerHook.js';
import { IterationTimer, MetricsWriter, pickReportedGroup } from '../hooks/metrics.js';
import { StepGuard } from '../hooks/StepGuard.js';
import { layersModelVariables, WeightEma } from '../hooks/WeightEma.js';
import { type FileStore, type Logger, silentLogger } from '../io/interfaces.js';
import { buildOptimizer, type BuildOptimizerOptions } from '../optim/buildOptimizer.js';
import { buildGradientClipper, type Clipper } from '../optim/clip.js';
import type { OptimizerGroup, SolverOptimizer } from '../optim/SolverOptimizer.js';
import { buildLrScheduler } from '../sched/lrScheduler.js';
import { type GradientReducer, identityReducer } from '../train/Trainer.js';

/**
 * A service identifier that carries the type it resolves to: at run time a `Symbol.for` symbol,
 * for the compiler also an abstract constructor of `T`, which is how inversify 8's
 * `ServiceIdentifier<T>` learns `T`. So `container.get(TOKENS.Model)` is a `tf.LayersModel`, and
 * binding a value of another type to a token does not compile.
 *
 * Why: a plain symbol would make every `get` return `unknown` and accept any binding.
 *
 * @example
 * ```ts
 * const model: tf.LayersModel = container.get(TOKENS.Model);
 * // @ts-expect-error a string is not a tf.LayersModel
 * container.bind(TOKENS.Model).toConstantValue('not a model');
 * ```
 */
export type Token<T> = symbol & (abstract new (...args: never) => T);

function token<T>(name: string): Token<T> {
  // The constructor half of Token exists only for the compiler (see Token); the value is a symbol.
  return Symbol.for(`tfjs-solver/${name}`) as Token<T>;
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
 * | `IterationTimer` | `IterationTimer` | logs its summary to `Logger`; rebind to time steps without the summary line |
 * | `WeightEma` | `WeightEma` | bound when `TRAIN.EMA_ENABLED` |
 * | `Checkpointer` | `Checkpointer` | in `OUTPUT_DIR`, keeping `TRAIN.MAX_TO_KEEP`, recording the run's identity |
 * | `Hook` (many) | `Hook` | step guard, timer, LR, EMA, checkpointer, metrics writer, in that order |
 * | `FileStore` | `FileStore` | none in a page (bind `memoryFileStore()` or `indexedDbFileStore()`); `nodeFileStore` when the `createSolver` of `tfjs-solver/node` finds none |
 * | `Logger` | `Logger` | `silentLogger` |
 * @example
 * ```ts
 * container.load(solverModule(config));
 * container.bind(TOKENS.Model).toConstantValue(model);
 * container.bind(TOKENS.FileStore).toConstantValue(memoryFileStore());
 * const solver = await createSolver(container);
 * const optimizer: SolverOptimizer = container.get(TOKENS.Optimizer); // the same singleton as solver.optimizer
 * ```
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
  IterationTimer: token<IterationTimer>('IterationTimer'),
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
  const hash: string = configHash(config);
  return new Checkpointer(parts, {
    files: resolve(ctx, TOKENS.FileStore),
    dir: config.OUTPUT_DIR,
    maxToKeep: config.TRAIN.MAX_TO_KEEP,
    logger: resolve(ctx, TOKENS.Logger),
    maxIter: config.SOLVER.MAX_ITER,
    identity: (): RunIdentity => ({ configHash: hash, seed: config.SEED, backend: tf.getBackend(), tfjs: tf.version_core }),
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

function stepGuardFrom(ctx: ResolutionContext): StepGuard {
  const optimizer: SolverOptimizer = resolve(ctx, TOKENS.Optimizer);
  const nonTrainable: tf.Variable[] = [...resolve(ctx, TOKENS.ModelVariables).values()].filter((variable) => !variable.trainable);
  return new StepGuard(nonTrainable, () => optimizer.lastStepStats()?.skipped ?? null);
}

/**
 * Binds the checkpointer, the weight EMA (when `TRAIN.EMA_ENABLED`) and the default hooks, each a
 * singleton, to `TOKENS.Hook` in this order, because:
 * the step guard first (a skipped step's non-trainable weights are restored before anyone sees them);
 * the timer next (it measures the step, not the other hooks); the LR hook next (it records the LR
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
  bind(TOKENS.Hook).toDynamicValue(stepGuardFrom).inSingletonScope();
  bind(TOKENS.IterationTimer)
    .toDynamicValue((ctx) => new IterationTimer({ logger: resolve(ctx, TOKENS.Logger) }))
    .inSingletonScope();
  bind(TOKENS.Hook).toService(TOKENS.IterationTimer);
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

/**
 * A new inversify `Container` with {@link solverModule}(config) loaded: bind `TOKENS.Model` (and,
 * in a page, `TOKENS.FileStore`) and pass it to `createSolver`.
 *
 * Why: your code gets the container of the inversify copy this package uses, without importing
 * `inversify` itself (a package manager that does not hoist, such as pnpm, would not find it), and
 * a CommonJS program gets one without requiring an ES module.
 *
 * @param config a loaded config (`parseConfig`, `loadConfig`, or `DEFAULT_CONFIG`).
 * @returns the container; bind and rebind on it as on any inversify 8 container.
 * @example
 * ```ts
 * const container = solverContainer(parseConfig({ SOLVER: { BASE_LR: 0.05, MAX_ITER: 200, STEPS: [150] } }));
 * container.bind(TOKENS.Model).toConstantValue(model);
 * const solver = await createSolver(container);
 * ```
 */
export function solverContainer(config: SolverConfig): Container {
  const container: Container = new Container();
  container.load(solverModule(config));
  return container;
}

// Dependency injection (inversify 8): the tokens, the module that wires a solver from a config,
// and the one call that resolves it. inversify is used here and nowhere else in the library.
