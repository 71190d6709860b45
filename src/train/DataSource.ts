/**
 * Where a {@link Trainer} gets each step's batch: a function of the iteration.
 *
 * Why indexed by iteration: the batch of iteration `i` must be the same whether the run started
 * at 0 or resumed at `k` — that is what makes resume exact. {@link ShuffledBatches} gives that
 * for in-memory tensors. The trainer owns (and disposes) the tensors a batch returns.
 */
export interface DataSource<B> {
  /** The batch for `iteration`; new tensors, or a promise of them. */
  batch(iteration: number): B | Promise<B>;
}
