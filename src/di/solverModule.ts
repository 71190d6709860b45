import 'reflect-metadata';
import { ContainerModule, type ContainerModuleLoadOptions, type ResolutionContext } from 'inversify';
import type { SolverConfig } from '../config/SolverConfig.js';
import { silentLogger } from '../io/silentLogger.js';
import { fusedGradientClipper } from '../optim/kernels/fusedGradientClipper.js';
import type { Clipper } from '../optim/clip/Clipper.js';
import { buildOptimizer } from '../optim/buildOptimizer.js';
import type { SolverOptimizer } from '../optim/optimizer/SolverOptimizer.js';
import { buildLrScheduler } from '../sched/buildLrScheduler.js';
import { layersModelVariables } from '../hooks/layersModelVariables.js';
import { identityReducer, type GradientReducer } from '../train/GradientReducer.js';
import { reducingClipper } from '../train/reducingClipper.js';
import { bindDefaultHooks } from './bindDefaultHooks.js';
import { resolve } from './resolve.js';
import { TOKENS } from './TOKENS.js';

function optimizerFrom(ctx: ResolutionContext): SolverOptimizer {
  const config: SolverConfig = resolve(ctx, TOKENS.Config);
  const clipper: Clipper = resolve(ctx, TOKENS.Clipper);
  const reducer: GradientReducer = resolve(ctx, TOKENS.GradientReducer);
  return buildOptimizer(config, resolve(ctx, TOKENS.Model), {
    ...resolve(ctx, TOKENS.ParamGroupOptions),
    clipper: reducer === identityReducer ? clipper : reducingClipper(reducer, clipper),
  });
}

function clipperFrom(config: SolverConfig): Clipper {
  const clip = config.SOLVER.CLIP_GRADIENTS;
  // Fused on cpu/wasm (one kernel pass for the global norm), buildGradientClipper's clipper elsewhere.
  return fusedGradientClipper({
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
    bind(TOKENS.Clipper).toDynamicValue((ctx) => clipperFrom(resolve(ctx, TOKENS.Config))).inSingletonScope();
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
