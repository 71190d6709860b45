import type { Command } from 'commander';
import { SolverError } from '../../errors/SolverError.js';
import { nodeTextFileReader } from '../../io/nodeTextFileReader.js';
import { buildOptimizer } from '../../optim/buildOptimizer.js';
import type { CliCommand } from '../CliCommand.js';
import type { CliContext } from '../CliContext.js';
import { formatGroupsTable } from '../groups/formatGroupsTable.js';
import type { GroupRow } from '../groups/GroupRow.js';
import { loadLayersModelTopology } from '../groups/loadLayersModelTopology.js';

/**
 * `tfjs-solver groups --model model.json`: the parameter groups the config gives a tfjs Layers
 * model (docs/param-groups.md): per group the LR, weight decay, count and parameter names, as
 * the optimizer built by buildOptimizer will use them, weights named as in the model file. Only
 * the topology is read, never weight values.
 * `--json`: `{"groups": [{"lr", "weight_decay", "params": [names]}]}`.
 */
export const groupsCommand: CliCommand = {
  name: 'groups',
  description: 'print the parameter groups (LR, weight decay, parameters) the config gives a tfjs Layers model',
  configure(command: Command): void {
    command.option('--model <file>', 'a tfjs Layers model.json (topology only; weight files are not read)');
  },
  async run(context: CliContext, options: Readonly<Record<string, unknown>>): Promise<number> {
    const path = options.model;
    if (typeof path !== 'string' || path === '') {
      throw new SolverError('argument', '--model: missing, expected the path of a tfjs Layers model.json');
    }
    const config = await context.loadConfig();
    await context.selectBackend();
    const model = await loadLayersModelTopology(nodeTextFileReader, path);
    try {
      const optimizer = buildOptimizer(config, model);
      // Print the names of the model file (`dense/kernel`), not the process-unique variable names
      // tfjs may have suffixed (`dense/kernel_1`) when a layer name was already taken.
      const original = new Map(model.weights.map((w) => [w.name, w.originalName]));
      const groups: GroupRow[] = optimizer.paramGroups.map((g) => ({
        lr: g.lr,
        weight_decay: g.weightDecay,
        params: g.names.map((n) => original.get(n) ?? n),
      }));
      optimizer.dispose();
      context.output(formatGroupsTable(groups), { groups });
    } finally {
      model.dispose();
    }
    return 0;
  },
};
