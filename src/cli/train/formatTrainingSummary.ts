import type { DemoTrainingResult } from './DemoTrainingResult.js';

function trainedLine(result: DemoTrainingResult): string {
  const trained: number = result.maxIter - result.startIter;
  const where: string = `on ${result.backend} in ${result.seconds.toFixed(1)} s (seed ${result.seed})`;
  if (trained <= 0) return `nothing to train: resumed at iteration ${result.startIter} = SOLVER.MAX_ITER ${result.maxIter} ${where}`;
  return `trained iterations ${result.startIter}..${result.maxIter - 1} (${trained}) ${where}`;
}

/** The human summary of `tfjs-solver train`. */
export function formatTrainingSummary(result: DemoTrainingResult): string {
  return [
    trainedLine(result),
    `loss ${result.initialLoss.toFixed(4)} -> ${result.finalLoss.toFixed(4)}, accuracy ${(100 * result.accuracy).toFixed(1)}%`,
    `checkpoints and metrics.json in ${result.outputDir}`,
  ].join('\n');
}
