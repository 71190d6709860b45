import { Option, type Command } from 'commander';
import { BACKEND_NAMES } from '../backend/BackendName.js';

/**
 * Adds the common flags (`--config`, `--opts`, `--backend`, `--json`, `--verbose`) to a subcommand.
 * @returns the same command, for chaining.
 */
export function addCommonOptions(command: Command): Command {
  return command
    .option('--config <file>', 'YAML config file (detectron2 format; _BASE_ is followed)')
    .option('--opts <keyValue...>', 'overrides as KEY VALUE pairs, e.g. SOLVER.BASE_LR 0.02 (values are YAML)')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (overrides TRAIN.BACKEND)').choices(BACKEND_NAMES))
    .option('--json', 'machine-readable output on stdout; logs stay on stderr', false)
    .option('--verbose', 'more logging, and stack traces on errors', false);
}
