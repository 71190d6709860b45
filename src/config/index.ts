export type { SolverConfig, SolverSection, ClipGradientsConfig, TrainSection, DemoSection } from './SolverConfig.js';
export { DEFAULT_CONFIG } from './defaults.js';
export { loadConfig } from './loadConfig.js';
export { parseConfig } from './parseConfig.js';
export { mergeConfig } from './mergeConfig.js';
export type { ConfigLoadOptions } from './ConfigLoadOptions.js';
export { MAX_ALIAS_COUNT } from './parseYamlText.js';
