import type { DemoTrainingResult } from './DemoTrainingResult.js';

/** The human summary of `tfjs-solver train`. */
export function formatTrainingSummary(result: DemoTrainingResult): string {
  const trained: number = result.maxIter - result.startIter;
  return [
    `trained iterations ${result.startIter}..${result.maxIter - 1} (${trained}) on ${result.backend} in ${result.seconds.toFixed(1)} s (seed ${result.seed})`,
    `loss ${result.initialLoss.toFixed(4)} -> ${result.finalLoss.toFixed(4)}, accuracy ${(100 * result.accuracy).toFixed(1)}%`,
    `checkpoints and metrics.json in ${result.outputDir}`,
  ].join('\n');
}
