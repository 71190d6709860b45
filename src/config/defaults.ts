import type { SolverConfig } from './SolverConfig.js';
import { deepFreeze } from './deepFreeze.js';

/**
 * Every key's default, exactly as SPEC §1 (and detectron2's `config/defaults.py`) gives them.
 * Deeply frozen: derive a new config with `loadConfig`/`mergeConfig`, never by mutation.
 */
export const DEFAULT_CONFIG: SolverConfig = deepFreeze({
  SOLVER: {
    LR_SCHEDULER_NAME: 'WarmupMultiStepLR',
    MAX_ITER: 40000,
    BASE_LR: 0.001,
    BASE_LR_END: 0.0,
    MOMENTUM: 0.9,
    NESTEROV: false,
    WEIGHT_DECAY: 0.0001,
    WEIGHT_DECAY_NORM: 0.0,
    GAMMA: 0.1,
    STEPS: [30000],
    NUM_DECAYS: 3,
    WARMUP_FACTOR: 0.001,
    WARMUP_ITERS: 1000,
    WARMUP_METHOD: 'linear',
    RESCALE_INTERVAL: false,
    CHECKPOINT_PERIOD: 5000,
    IMS_PER_BATCH: 16,
    REFERENCE_WORLD_SIZE: 0,
    BIAS_LR_FACTOR: 1.0,
    WEIGHT_DECAY_BIAS: null,
    CLIP_GRADIENTS: {
      ENABLED: false,
      CLIP_TYPE: 'value',
      CLIP_VALUE: 1.0,
      NORM_TYPE: 2.0,
      NONFINITE: 'skip',
    },
    OPTIMIZER: 'SGD',
    BETAS: [0.9, 0.999],
    EPS: 1e-8,
    POLY_LR_POWER: 0.9,
    POLY_LR_CONSTANT_ENDING: 0.0,
    ALLOW_MAX_ITER_CHANGE: false,
  },
  TRAIN: {
    BACKEND: 'auto',
    LOG_PERIOD: 20,
    MAX_TO_KEEP: 3,
    EMA_ENABLED: false,
    EMA_DECAY: 0.999,
  },
  DEMO: {
    NUM_SAMPLES: 2048,
    HIDDEN_UNITS: 64,
  },
  OUTPUT_DIR: './output',
  SEED: -1,
});
