import type { ContainerModuleLoadOptions, ResolutionContext } from 'inversify';
import type { SolverConfig } from '../config/SolverConfig.js';
import { Checkpointer } from '../hooks/checkpoint/Checkpointer.js';
import type { CheckpointParts } from '../hooks/checkpoint/CheckpointParts.js';
import { IterationTimer } from '../hooks/IterationTimer.js';
import { LrSchedulerHook } from '../hooks/LrSchedulerHook.js';
import { MetricsWriter } from '../hooks/MetricsWriter.js';
import { PeriodicCheckpointer } from '../hooks/PeriodicCheckpointer.js';
import { pickReportedGroup } from '../hooks/pickReportedGroup.js';
import { WeightEma } from '../hooks/WeightEma.js';
import type { SolverOptimizer } from '../optim/optimizer/SolverOptimizer.js';
import { resolve, resolveOptional } from './resolve.js';
import { TOKENS } from './TOKENS.js';

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
  bind(TOKENS.Hook).toDynamicValue((ctx) => new IterationTimer({ logger: resolve(ctx, TOKENS.Logger) })).inSingletonScope();
  bind(TOKENS.Hook).toDynamicValue(lrHookFrom).inSingletonScope();
  if (config.TRAIN.EMA_ENABLED) bind(TOKENS.Hook).toService(TOKENS.WeightEma);
  bind(TOKENS.Hook)
    .toDynamicValue((ctx) => new PeriodicCheckpointer(resolve(ctx, TOKENS.Checkpointer), resolve(ctx, TOKENS.Config).SOLVER.CHECKPOINT_PERIOD))
    .inSingletonScope();
  bind(TOKENS.Hook).toDynamicValue(metricsWriterFrom).inSingletonScope();
}
