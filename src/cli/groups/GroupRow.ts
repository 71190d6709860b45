/** One parameter group as `tfjs-solver groups --json` prints it (detectron2 key names). */
export interface GroupRow {
  readonly lr: number;
  readonly weight_decay: number;
  readonly params: readonly string[];
}
