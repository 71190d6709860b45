import { z } from 'zod';
import type { ClipGradientsConfig } from '../SolverConfig.js';
import { boolean, normOrder, numberAtLeast, oneOf } from './rules.js';

/** Field rules of `SOLVER.CLIP_GRADIENTS` (SPEC §1, §4). */
export const clipGradientsSchema: z.ZodType<ClipGradientsConfig> = z.object({
  ENABLED: boolean(),
  CLIP_TYPE: oneOf(['value', 'norm', 'full_model'], 'Unknown gradient clipper type'),
  CLIP_VALUE: numberAtLeast(0, true),
  NORM_TYPE: normOrder(),
  NONFINITE: oneOf(['skip', 'error', 'none'], 'Unknown non-finite gradient policy'),
});
