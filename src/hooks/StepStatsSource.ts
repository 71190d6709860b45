import type { StepStats } from '../optim/optimizer/StepStats.js';

/**
 * Where the metrics writer gets the optimizer's last-step gradient statistics ({@link StepStats}:
 * global norm before clipping, clipped, skipped). Returns null when there are none (no step yet).
 * The tensors stay owned by the source; the writer combines them before the next step.
 */
export type StepStatsSource = () => StepStats | null;
