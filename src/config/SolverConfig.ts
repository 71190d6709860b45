/**
 * The typed shape of a tfjs-solver config, keys in detectron2's spelling.
 *
 * Why these names: a detectron2 YAML file's `SOLVER:` block must load unchanged and mean
 * the same thing here. Keys marked (ext) are extensions beyond detectron2.
 * Every object loaded by `loadConfig` is deeply frozen.
 */

/** Gradient clipping (detectron2 `SOLVER.CLIP_GRADIENTS`). */
export interface ClipGradientsConfig {
  /** Clip at all. Default false. */
  readonly ENABLED: boolean;
  /** `value`: clamp elements; `norm`: each parameter's norm on its own; `full_model` (ext): one global norm. */
  readonly CLIP_TYPE: 'value' | 'norm' | 'full_model';
  /** The clamp bound (`value`) or the maximum norm (`norm`, `full_model`). Default 1.0. */
  readonly CLIP_VALUE: number;
  /** p of the p-norm, any p >= 1, or `Infinity` (written `inf` in YAML). Default 2.0. */
  readonly NORM_TYPE: number;
  /**
   * (ext) What to do when a gradient norm is NaN or infinite: `skip` the update (weights and
   * slots untouched, the step counted as skipped; no device sync), `error` (throw naming the
   * parameter; needs a device sync per step), or `none` (apply as is). Default `skip`.
   */
  readonly NONFINITE: 'skip' | 'error' | 'none';
}

/** The `SOLVER` section: schedule, optimizer and clipping hyperparameters. */
export interface SolverSection {
  readonly LR_SCHEDULER_NAME: 'WarmupMultiStepLR' | 'WarmupCosineLR' | 'WarmupStepWithFixedGammaLR' | 'WarmupPolyLR';
  readonly MAX_ITER: number;
  readonly BASE_LR: number;
  readonly BASE_LR_END: number;
  readonly MOMENTUM: number;
  readonly NESTEROV: boolean;
  readonly WEIGHT_DECAY: number;
  readonly WEIGHT_DECAY_NORM: number;
  readonly GAMMA: number;
  readonly STEPS: readonly number[];
  readonly NUM_DECAYS: number;
  readonly WARMUP_FACTOR: number;
  readonly WARMUP_ITERS: number;
  readonly WARMUP_METHOD: 'linear' | 'constant';
  readonly RESCALE_INTERVAL: boolean;
  readonly CHECKPOINT_PERIOD: number;
  readonly IMS_PER_BATCH: number;
  readonly REFERENCE_WORLD_SIZE: number;
  readonly BIAS_LR_FACTOR: number;
  /** null means: the same as `WEIGHT_DECAY`. */
  readonly WEIGHT_DECAY_BIAS: number | null;
  readonly CLIP_GRADIENTS: ClipGradientsConfig;
  /** (ext) `SGD` (default), `AdamW` or `Adam`. */
  readonly OPTIMIZER: 'SGD' | 'AdamW' | 'Adam';
  /** (ext) Adam/AdamW betas. Default [0.9, 0.999]. */
  readonly BETAS: readonly [number, number];
  /** (ext) Adam/AdamW epsilon. Default 1e-8 (PyTorch's). */
  readonly EPS: number;
  /** (ext, detectron2 DeepLab project) power of `WarmupPolyLR`. Default 0.9. */
  readonly POLY_LR_POWER: number;
  /** (ext, detectron2 DeepLab project) constant LR factor at the end of `WarmupPolyLR`. Default 0.0. */
  readonly POLY_LR_CONSTANT_ENDING: number;
  /** (ext) Allow resuming a checkpoint written with a different `MAX_ITER`. Default false. */
  readonly ALLOW_MAX_ITER_CHANGE: boolean;
}

/** (ext) The `TRAIN` section: how the training loop runs. */
export interface TrainSection {
  /** `auto`, `tensorflow`, `wasm` or `cpu`. Default `auto`. */
  readonly BACKEND: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  /** Write metrics every this many iterations. Default 20. */
  readonly LOG_PERIOD: number;
  /** Keep this many most recent periodic checkpoints. Default 3. */
  readonly MAX_TO_KEEP: number;
  /** Keep an exponential moving average of the weights. Default false. */
  readonly EMA_ENABLED: boolean;
  /** Decay of the weight EMA. Default 0.999. */
  readonly EMA_DECAY: number;
}

/** (ext) The `DEMO` section: the small model and synthetic data `npm start` trains. */
export interface DemoSection {
  /** Number of synthetic samples. Default 2048. */
  readonly NUM_SAMPLES: number;
  /** Units in each hidden layer. Default 64. */
  readonly HIDDEN_UNITS: number;
}

/** A whole config. Sections owned by other tools (`MODEL`, `DATASETS`, …) are dropped when loading. */
export interface SolverConfig {
  readonly SOLVER: SolverSection;
  readonly TRAIN: TrainSection;
  readonly DEMO: DemoSection;
  /** Where checkpoints and metrics go. Default `./output`. */
  readonly OUTPUT_DIR: string;
  /** Seed for data order and init; negative means: pick one and record it. Default -1. */
  readonly SEED: number;
}
