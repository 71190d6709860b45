// The training loops the hooks plug into: a custom-loop Trainer and the model.fit adapter.
export { Trainer } from './Trainer.js';
export type { TrainerOptions } from './Trainer.js';
export { FitCallback } from './FitCallback.js';
export { TrainingRun } from './TrainingRun.js';
export type { DataSource } from './DataSource.js';
export { ShuffledBatches } from './ShuffledBatches.js';
export type { Batch, ShuffledBatchesOptions } from './ShuffledBatches.js';
export { seededRandom, seededPermutation } from './seededRandom.js';
export type { GradientReducer } from './GradientReducer.js';
export { identityReducer } from './GradientReducer.js';
export { reducingClipper } from './reducingClipper.js';
export { layersModelLoss } from './layersModelLoss.js';
export { twoSpirals } from './demo/twoSpirals.js';
export type { SpiralData } from './demo/twoSpirals.js';
export { buildDemoModel } from './demo/buildDemoModel.js';
