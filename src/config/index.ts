export type { SolverConfig, SolverSection, ClipGradientsConfig, TrainSection, DemoSection } from './SolverConfig.js';
export { DEFAULT_CONFIG } from './defaults.js';
