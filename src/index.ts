// The public API of tfjs-solver.
export { BACKEND_NAMES, selectBackend } from './backend/selectBackend.js';
export type { BackendName, SelectBackendOptions, SelectedBackend } from './backend/selectBackend.js';
export { translateBackendError } from './backend/translateBackendError.js';
export { MAX_ALIAS_COUNT, loadConfig, mergeConfig, parseConfig } from './config/load.js';
export type { ConfigLoadOptions } from './config/load.js';
export { DEFAULT_CONFIG } from './config/schema.js';
export type { ClipGradientsConfig, DemoSection, SolverConfig, SolverSection, TrainSection } from './config/schema.js';
export { Solver, createSolver } from './di/Solver.js';
export type { CreateSolverOptions, SolverParts } from './di/Solver.js';
export { TOKENS, solverModule } from './di/solverModule.js';
export type { Token } from './di/solverModule.js';
export { SolverError } from './errors.js';
export type { SolverErrorKind } from './errors.js';
export { Checkpointer, PeriodicCheckpointer } from './hooks/Checkpointer.js';
export type { CheckpointParts, CheckpointerOptions, EmaPart, StatefulPart, TensorStatefulPart } from './hooks/Checkpointer.js';
export { HookList } from './hooks/Hook.js';
export type { Hook, HookContext } from './hooks/Hook.js';
export { LrSchedulerHook } from './hooks/LrSchedulerHook.js';
export type { LrScheduler } from './hooks/LrSchedulerHook.js';
export { ProgressHook } from './hooks/ProgressHook.js';
export type { ProgressDisplay, ProgressValues } from './hooks/ProgressHook.js';
export { WeightEma, layersModelVariables } from './hooks/WeightEma.js';
export {
  FINAL_CHECKPOINT,
  LAST_CHECKPOINT_FILE,
  decodeCheckpoint,
  encodeCheckpoint,
  periodicCheckpointName,
} from './hooks/checkpointCodec.js';
export type { CheckpointData, EncodedTensor, NamedTensor } from './hooks/checkpointCodec.js';
export { EventStorage, IterationTimer, MetricsWriter, pickReportedGroup } from './hooks/metrics.js';
export type { IterationTimerOptions, MetricsRecord, MetricsWriterOptions, StepStatsSource } from './hooks/metrics.js';
export { memoryTextFileReader, silentLogger } from './io/interfaces.js';
export type { FileStore, Logger, TextFileReader } from './io/interfaces.js';
export { SolverOptimizer } from './optim/SolverOptimizer.js';
export type { OptimizerAlgorithm, OptimizerGroup, SolverOptimizerOptions, StepStats } from './optim/SolverOptimizer.js';
export { adamGroupUpdateOps, fusedAdamGroupUpdate } from './optim/adam.js';
export { buildOptimizer } from './optim/buildOptimizer.js';
export type { BuildOptimizerOptions } from './optim/buildOptimizer.js';
export { buildGradientClipper, pNorm } from './optim/clip.js';
export type { ClipOutcome, ClipType, Clipper, ClipperOptions, GradientStats, NonFinitePolicy } from './optim/clip.js';
export {
  NORMALIZATION_TYPES,
  TFJS_TO_DETECTRON2,
  expandParamGroups,
  getDefaultOptimizerParams,
  mapWeightName,
  modulesFromLayersModel,
  reduceParamGroups,
} from './optim/groups.js';
export type { DefaultOptimizerParamsOptions, ModuleData, ParamData, ParamGroup, ParamHyperparams } from './optim/groups.js';
export { fusedGradNorms, fusedGradientClipper } from './optim/kernels/gradNorms.js';
export { FUSED_KERNEL_BACKENDS, registerFusedKernels } from './optim/kernels/registry.js';
export { ADAM_GROUP_KERNEL, GRAD_NORMS_KERNEL, SGD_GROUP_KERNEL } from './optim/kernels/shared.js';
export { selectGroupUpdates } from './optim/rule.js';
export type {
  AdamGroupTensors,
  AdamGroupUpdate,
  AdamHyperparams,
  GroupUpdates,
  SgdGroupTensors,
  SgdGroupUpdate,
  SgdHyperparams,
  StepControl,
} from './optim/rule.js';
export { fusedSgdGroupUpdate, sgdGroupUpdateOps } from './optim/sgd.js';
export { LR_SCHEDULER_NAMES, LrMultiplier, buildLrScheduler, buildParamScheduler } from './sched/lrScheduler.js';
export type {
  BuildScheduleOptions,
  LearningRateTarget,
  LrMultiplierOptions,
  LrMultiplierSnapshot,
  LrMultiplierState,
  LrSchedulerName,
  ScheduleLogger,
} from './sched/lrScheduler.js';
export {
  WHERE_EPSILON,
  constantScheduler,
  cosineScheduler,
  exponentialScheduler,
  linearScheduler,
  multiStepScheduler,
  polynomialDecayScheduler,
  stepScheduler,
  stepWithFixedGammaScheduler,
  whereAt,
} from './sched/schedulers.js';
export type {
  ConstantSchedulerArgs,
  CosineSchedulerArgs,
  ExponentialSchedulerArgs,
  LinearSchedulerArgs,
  MultiStepSchedulerArgs,
  ParamScheduler,
  PolynomialDecaySchedulerArgs,
  StepSchedulerArgs,
  StepWithFixedGammaSchedulerArgs,
} from './sched/schedulers.js';
export { compositeScheduler, warmupPolyScheduler, warmupScheduler } from './sched/warmup.js';
export type {
  CompositeSchedulerArgs,
  IntervalScaling,
  WarmupMethod,
  WarmupPolySchedulerArgs,
  WarmupSchedulerArgs,
} from './sched/warmup.js';
export { FitCallback } from './train/FitCallback.js';
export { Trainer, TrainingRun, identityReducer, layersModelLoss, reducingClipper } from './train/Trainer.js';
export type { DataSource, GradientReducer, TrainerOptions } from './train/Trainer.js';
export { ShuffledBatches, seededPermutation, seededRandom } from './train/data.js';
export type { Batch, ShuffledBatchesOptions } from './train/data.js';
