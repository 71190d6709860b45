import { z } from 'zod';
import type { DemoSection, SolverConfig, TrainSection } from '../SolverConfig.js';
import { anyInteger, boolean, integerAtLeast, nonEmptyString, numberInHalfOpen, oneOf } from './rules.js';
import { solverSectionSchema } from './solverSectionSchema.js';

const trainSectionSchema: z.ZodType<TrainSection> = z.object({
  BACKEND: oneOf(['auto', 'tensorflow', 'wasm', 'cpu'], 'Unknown backend'),
  LOG_PERIOD: integerAtLeast(1),
  MAX_TO_KEEP: integerAtLeast(1),
  EMA_ENABLED: boolean(),
  EMA_DECAY: numberInHalfOpen(0, 1),
});

const demoSectionSchema: z.ZodType<DemoSection> = z.object({
  NUM_SAMPLES: integerAtLeast(1),
  HIDDEN_UNITS: integerAtLeast(1),
});

/** Field rules of a whole config: the owned sections and the top-level `OUTPUT_DIR` and `SEED`. */
export const solverConfigSchema: z.ZodType<SolverConfig> = z.object({
  SOLVER: solverSectionSchema,
  TRAIN: trainSectionSchema,
  DEMO: demoSectionSchema,
  OUTPUT_DIR: nonEmptyString(),
  SEED: anyInteger(),
});
