// Public API of src/optim: parameter groups, clipping, the optimizer and its builder.
export type { ParamGroup, ParamHyperparams, ParamData, ModuleData } from './groups/ParamGroup.js';
export type { DefaultOptimizerParamsOptions } from './groups/DefaultOptimizerParamsOptions.js';
export { getDefaultOptimizerParams } from './groups/getDefaultOptimizerParams.js';
export { reduceParamGroups } from './groups/reduceParamGroups.js';
export { expandParamGroups } from './groups/expandParamGroups.js';
export { mapWeightName } from './groups/mapWeightName.js';
export { TFJS_TO_DETECTRON2 } from './groups/tfjsToDetectron2.js';
export { modulesFromLayersModel } from './groups/modulesFromLayersModel.js';
export { NORMALIZATION_TYPES } from './groups/normalizationTypes.js';
export type { Clipper, ClipOutcome, GradientStats } from './clip/Clipper.js';
export type { ClipperOptions, ClipType, NonFinitePolicy } from './clip/ClipperOptions.js';
export { buildGradientClipper } from './clip/buildGradientClipper.js';
export { pNorm } from './clip/pNorm.js';
export type {
  StepControl,
  SgdHyperparams,
  SgdGroupTensors,
  SgdGroupUpdate,
  AdamHyperparams,
  AdamGroupTensors,
  AdamGroupUpdate,
} from './updates/GroupUpdate.js';
export { sgdGroupUpdateOps } from './updates/sgdGroupUpdateOps.js';
export { adamGroupUpdateOps } from './updates/adamGroupUpdateOps.js';
export { selectGroupUpdates, type GroupUpdates } from './updates/selectGroupUpdates.js';
export { SolverOptimizer } from './optimizer/SolverOptimizer.js';
export type { SolverOptimizerOptions, OptimizerAlgorithm } from './optimizer/SolverOptimizerOptions.js';
export type { OptimizerGroup } from './optimizer/OptimizerGroup.js';
export type { StepStats } from './optimizer/StepStats.js';
export { buildOptimizer } from './buildOptimizer.js';
export type { BuildOptimizerOptions } from './BuildOptimizerOptions.js';
// Fused kernels for cpu/wasm (owned by the performance work; see src/optim/kernels/index.ts).
export * from './kernels/index.js';
