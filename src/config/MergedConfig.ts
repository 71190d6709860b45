/** Merged, not yet validated config data, with where each value came from. */
export interface MergedConfig {
  /** The merged mapping (defaults, then each layer in order). */
  readonly data: Record<string, unknown>;
  /** Key path (`SOLVER.BASE_LR`) → the source that set it last; keys still at their default are absent. */
  readonly origins: ReadonlyMap<string, string>;
}
