/**
 * What the LR multiplier drives: anything with per-group base learning rates that accepts new
 * learning rates (the optimizer in `src/optim` implements it; a test can pass a plain object).
 *
 * Why an interface this small: `src/sched` must not know about tfjs optimizers, and a schedule
 * only ever needs to read the base LRs once and write the current ones.
 *
 * @example
 * ```ts
 * const seen: number[][] = [];
 * const target: LearningRateTarget = {
 *   baseLearningRates: [0.02, 0.04],
 *   setLearningRates: (lrs) => { seen.push([...lrs]); },
 * };
 * ```
 */
export interface LearningRateTarget {
  /** Each parameter group's base LR (its LR before any schedule), in group order. */
  readonly baseLearningRates: readonly number[];
  /**
   * Sets every group's LR for the next update, in group order (one entry per group). The
   * multiplier passes a new array on every step and never writes to it afterwards; the target may
   * keep it but must not modify it.
   */
  setLearningRates(lrs: readonly number[]): void;
}
