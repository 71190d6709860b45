/**
 * One line of `metrics.json`: detectron2's key names (`iteration`, `lr`, `total_loss`, `time`,
 * `data_time`, read by its `plot`/analysis tools) plus gradient statistics. Values are means over
 * the iterations since the previous line, except `iteration` and `lr` (the last step's).
 */
export interface MetricsRecord {
  /** The last iteration (0-based) this line covers. */
  readonly iteration: number;
  /** The LR the last step used (the reported group's; see `LrSchedulerHook`). */
  readonly lr?: number;
  /** Mean loss over the steps whose loss was finite; absent when none was. */
  readonly total_loss?: number;
  /** Mean seconds per step. */
  readonly time?: number;
  /** Mean seconds per step spent waiting for data. */
  readonly data_time?: number;
  /** Estimated seconds to `maxIter`, from the mean step time. */
  readonly eta_seconds?: number;
  /** Mean global gradient norm before clipping, over the steps where it was finite (not skipped); absent when none was. */
  readonly grad_norm?: number;
  /** Fraction of steps in which clipping changed a gradient. */
  readonly clipped_fraction?: number;
  /** Number of steps skipped (non-finite gradients) since the previous line. */
  readonly skipped_steps?: number;
}
