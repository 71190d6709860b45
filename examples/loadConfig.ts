import { loadConfig, memoryTextFileReader, type SolverConfig } from 'tfjs-solver';

// Loads a detectron2-style config pair with _BASE_ inheritance and --opts overrides.
// Run: npx tsx examples/loadConfig.ts   (after `npm install`, which builds the package)

// Begin-example
const files = {
  'configs/Base.yaml': [
    "MODEL: {META_ARCHITECTURE: GeneralizedRCNN}   # another tool's section: ignored, one warning",
    'SOLVER:',
    '  IMS_PER_BATCH: 16',
    '  BASE_LR: 0.02',
    '  STEPS: (60000, 80000)                        # a Python tuple, read as a list',
    '  MAX_ITER: 90000',
  ].join('\n'),
  'configs/run/short.yaml': ['_BASE_: ../Base.yaml', 'SOLVER:', '  MAX_ITER: 2000', '  STEPS: (1500,)'].join('\n'),
};
const warnings: string[] = [];
const config: SolverConfig = await loadConfig('configs/run/short.yaml', ['SOLVER.BASE_LR', '0.05'], {
  reader: memoryTextFileReader(files), // in Node, leave `reader` out to read from disk
  logger: { info: () => undefined, warn: (message: string) => warnings.push(message) },
});
// config.SOLVER: BASE_LR 0.05 (override), MAX_ITER 2000 and STEPS [1500] (short.yaml),
// IMS_PER_BATCH 16 (Base.yaml), MOMENTUM 0.9 (default)
// End-example

export const solver = config.SOLVER;
export { warnings };

console.log(JSON.stringify({ BASE_LR: solver.BASE_LR, MAX_ITER: solver.MAX_ITER, STEPS: solver.STEPS }), warnings);
