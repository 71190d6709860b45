/** What `tfjs-solver train` reports (the `--json` document). */
export interface DemoTrainingResult {
  /** The backend that trained. */
  readonly backend: string;
  /** The seed used (picked and logged when `SEED` < 0). */
  readonly seed: number;
  /** The first iteration of this run (0, or where `--resume` continued). */
  readonly startIter: number;
  /** `SOLVER.MAX_ITER`. */
  readonly maxIter: number;
  /** Mean loss over the whole demo data set before this run's first step. */
  readonly initialLoss: number;
  /** The same after the last step. */
  readonly finalLoss: number;
  /** Fraction of demo points classified correctly after training. */
  readonly accuracy: number;
  /** Wall-clock seconds of the training loop. */
  readonly seconds: number;
  /** Where checkpoints and metrics.json went. */
  readonly outputDir: string;
}
