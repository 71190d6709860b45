/**
 * Keys that detectron2 config files contain and that belong to other tools. They are dropped
 * (with one warning) so a real detectron2 file loads; they never get a did-you-mean error.
 *
 * Top level: detectron2's `config/defaults.py` sections and scalars other than `SOLVER`,
 * `OUTPUT_DIR` and `SEED`. Inside `SOLVER`: `AMP` (mixed precision, which tfjs does not have).
 */
export const FOREIGN_KEYS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  '': Object.freeze([
    'MODEL',
    'DATASETS',
    'DATALOADER',
    'INPUT',
    'TEST',
    'VERSION',
    'CUDNN_BENCHMARK',
    'VIS_PERIOD',
    'GLOBAL',
    'FLOAT32_PRECISION',
  ]),
  SOLVER: Object.freeze(['AMP']),
});
