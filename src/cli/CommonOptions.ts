import type { BackendName } from '../backend/BackendName.js';

/** The flags every subcommand accepts, as the shell reads them from commander. */
export interface CommonOptions {
  /** `--config FILE`: the YAML config; the defaults when absent. */
  readonly config: string | undefined;
  /** `--opts KEY VALUE ...`: detectron2-style overrides, values parsed as YAML. */
  readonly opts: readonly string[];
  /** `--backend NAME`: overrides the config's `TRAIN.BACKEND` when given. */
  readonly backend: BackendName | undefined;
  /** `--json`: machine-readable output on stdout only. */
  readonly json: boolean;
  /** `--verbose`: more logs and stack traces. */
  readonly verbose: boolean;
}
