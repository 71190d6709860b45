/** One parameter group as the optimizer holds it: variable names and current hyperparameters. */
export interface OptimizerGroup {
  /** Unique tf variable names, the keys of the gradient map. */
  readonly names: readonly string[];
  /** The LR the schedule multiplies (the group's LR at construction). */
  readonly baseLr: number;
  /** The LR used by the next step. */
  lr: number;
  /** The weight decay used by the next step. */
  weightDecay: number;
}
