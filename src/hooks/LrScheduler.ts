import type { LrMultiplierSnapshot } from '../sched/LrMultiplier.js';

/**
 * What the LR hook drives: `LrMultiplier` from `src/sched` (built by `buildLrScheduler`), or
 * any replacement with the same shape (bind your own to `TOKENS.Scheduler`).
 */
export interface LrScheduler {
  /** The iteration the next update is for, and its per-group LRs. */
  readonly current: Pick<LrMultiplierSnapshot, 'iteration' | 'learningRates'>;
  /** Writes the current LRs to the optimizer. */
  apply(): void;
  /** Moves to the next iteration and writes its LRs. */
  step(): void;
  /** JSON-serialisable state for checkpoints. */
  state(): unknown;
  /** Restores `state()`; does not write LRs (call `apply`). */
  loadState(state: unknown): void;
}
