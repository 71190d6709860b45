import type { Command } from 'commander';
import { nodeFileStore } from '../../io/nodeFileStore.js';
import type { CliCommand } from '../CliCommand.js';
import type { CliContext } from '../CliContext.js';
import { cliProgressDisplay } from '../train/cliProgressDisplay.js';
import type { DemoTrainingResult } from '../train/DemoTrainingResult.js';
import { formatTrainingSummary } from '../train/formatTrainingSummary.js';
import { runDemoTraining } from '../train/runDemoTraining.js';
import { shouldDrawProgress } from '../train/shouldDrawProgress.js';

/**
 * `tfjs-solver train`: trains the demo model (two spirals, Dense + BatchNormalization) with the
 * solver the config describes, writing checkpoints and `metrics.json` to `OUTPUT_DIR`
 * (docs/training.md). `--resume` continues from the newest intact checkpoint; Ctrl-C stops
 * before the next step and saves a checkpoint there (`interruptHook`). A progress bar
 * goes to stderr when it is a terminal and `--json` is off; `--json` prints the result document.
 */
export const trainCommand: CliCommand = {
  name: 'train',
  description: 'train the demo model with the configured solver, writing checkpoints and metrics',
  configure(command: Command): void {
    command.option('--resume', 'continue from the newest intact checkpoint in OUTPUT_DIR');
  },
  async run(context: CliContext, options: Readonly<Record<string, unknown>>): Promise<number> {
    const config = await context.loadConfig();
    const backend: string = await context.selectBackend();
    const seed: number = config.SEED >= 0 ? config.SEED : Math.floor(Math.random() * 2 ** 31);
    if (config.SEED < 0) context.logger.warn(`SEED is ${config.SEED}: picked seed ${seed}; set SEED to resume exactly`);
    const showBar: boolean = shouldDrawProgress(context.json, process.stderr);
    // Ctrl-C once: stop before the next step with a checkpoint there; twice: Node's default exit.
    const interrupt: AbortController = new AbortController();
    const onInterrupt = (): void => {
      interrupt.abort();
    };
    process.once('SIGINT', onInterrupt);
    try {
      const result: DemoTrainingResult = await runDemoTraining(config, seed, {
        logger: context.logger,
        files: nodeFileStore,
        backend,
        resume: options.resume === true,
        interrupt: interrupt.signal,
        ...(showBar ? { progress: cliProgressDisplay(process.stderr) } : {}),
      });
      context.output(formatTrainingSummary(result), result);
      return 0;
    } finally {
      process.removeListener('SIGINT', onInterrupt);
    }
  },
};
