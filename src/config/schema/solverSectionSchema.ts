import { z } from 'zod';
import type { SolverSection } from '../SolverConfig.js';
import { clipGradientsSchema } from './clipGradientsSchema.js';
import { betaPair, boolean, increasingIntegers, integerAtLeast, numberAtLeast, numberInClosed, oneOf } from './rules.js';

/** Field rules of the `SOLVER` section (SPEC §1). Cross-field rules live in `checkCrossFieldRules`. */
export const solverSectionSchema: z.ZodType<SolverSection> = z.object({
  LR_SCHEDULER_NAME: oneOf(
    ['WarmupMultiStepLR', 'WarmupCosineLR', 'WarmupStepWithFixedGammaLR', 'WarmupPolyLR'],
    'Unknown LR scheduler',
  ),
  MAX_ITER: integerAtLeast(1),
  BASE_LR: numberAtLeast(0),
  BASE_LR_END: numberAtLeast(0),
  MOMENTUM: numberAtLeast(0),
  NESTEROV: boolean(),
  WEIGHT_DECAY: numberAtLeast(0),
  WEIGHT_DECAY_NORM: numberAtLeast(0),
  GAMMA: numberAtLeast(0, true),
  STEPS: increasingIntegers(),
  NUM_DECAYS: integerAtLeast(1),
  WARMUP_FACTOR: numberAtLeast(0),
  WARMUP_ITERS: integerAtLeast(0),
  WARMUP_METHOD: oneOf(['linear', 'constant'], 'Unknown warmup method'),
  RESCALE_INTERVAL: boolean(),
  CHECKPOINT_PERIOD: integerAtLeast(1),
  IMS_PER_BATCH: integerAtLeast(1),
  REFERENCE_WORLD_SIZE: integerAtLeast(0),
  BIAS_LR_FACTOR: numberAtLeast(0),
  WEIGHT_DECAY_BIAS: z.union([z.null(), numberAtLeast(0)], { error: 'null or a number >= 0' }),
  CLIP_GRADIENTS: clipGradientsSchema,
  OPTIMIZER: oneOf(['SGD', 'AdamW', 'Adam'], 'Unknown optimizer'),
  BETAS: betaPair(),
  EPS: numberAtLeast(0, true),
  POLY_LR_POWER: numberAtLeast(0),
  POLY_LR_CONSTANT_ENDING: numberInClosed(0, 1),
  ALLOW_MAX_ITER_CHANGE: boolean(),
});
