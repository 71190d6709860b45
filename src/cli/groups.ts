import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../errors.js';
import type { TextFileReader } from '../io/interfaces.js';
import { nodeTextFileReader } from '../io/node.js';
import { buildOptimizer } from '../optim/buildOptimizer.js';
import type { CliCommand, CliContext } from './main.js';

/** One parameter group as `tfjs-solver groups --json` prints it (detectron2 key names). */
export interface GroupRow {
  readonly lr: number;
  readonly weight_decay: number;
  readonly params: readonly string[];
}

/**
 * The human form of `tfjs-solver groups`: one line per group (index, LR, weight decay, count,
 * parameter names), columns aligned, then a total.
 *
 * @param rows the groups in optimizer order.
 * @returns the table text, without a trailing newline.
 * @example
 * ```text
 * group  lr    weight_decay  count  params
 * 0      0.02  0.0001        2      dense/kernel, out/kernel
 * 4 parameters in 1 group
 * ```
 */
export function formatGroupsTable(rows: readonly GroupRow[]): string {
  const cells = [
    ['group', 'lr', 'weight_decay', 'count', 'params'],
    ...rows.map((r, i) => [String(i), String(r.lr), String(r.weight_decay), String(r.params.length), r.params.join(', ')]),
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...cells.map((row) => (row[c] ?? '').length)));
  const lines = cells.map((row) => row.map((cell, c) => (c < 4 ? cell.padEnd(widths[c] ?? 0) : cell)).join('  '));
  const count = rows.reduce((n, r) => n + r.params.length, 0);
  lines.push(`${count} parameter${count === 1 ? '' : 's'} in ${rows.length} group${rows.length === 1 ? '' : 's'}`);
  return lines.join('\n');
}

/**
 * Builds a `tf.LayersModel` from the topology in a tfjs Layers `model.json`, without its weights.
 *
 * Why topology only: parameter groups depend on the layers, their classes and weight names, not
 * on weight values, so the `.bin` shards are never read (they may be absent). The layers get fresh
 * initial values. Accepts a `model.json` (`{ modelTopology, ... }`) or a bare topology
 * (`{ class_name, config }`, or Keras's `{ model_config }`).
 *
 * @param reader reads the file (Node: nodeTextFileReader).
 * @param path the `--model` path.
 * @returns the model; the caller disposes it.
 * @throws SolverError('io') when unreadable; SolverError('argument') naming `--model` and the path
 *   when it is not JSON or not a Layers model topology.
 */
export async function loadLayersModelTopology(reader: TextFileReader, path: string): Promise<tf.LayersModel> {
  return buildLayersModel(await readLayersTopology(reader, path), path);
}

/** A Layers model topology read and checked from a `--model` file (no backend needed yet). */
type LayersTopology = tf.io.ModelJSON['modelTopology'];

/**
 * Reads and checks the topology in a tfjs Layers `model.json` (see {@link loadLayersModelTopology}),
 * without building it: needs no backend, so `groups` checks `--model` before picking one.
 * @throws as {@link loadLayersModelTopology}, except for building errors.
 */
export async function readLayersTopology(reader: TextFileReader, path: string): Promise<LayersTopology> {
  const text = await reader.readText(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SolverError('argument', `--model: ${path} is not JSON (${(e as Error).message})`);
  }
  const topology = typeof json === 'object' && json !== null && 'modelTopology' in json ? json.modelTopology : json;
  if (typeof topology !== 'object' || topology === null || !('class_name' in topology || 'model_config' in topology)) {
    throw new SolverError('argument', `--model: ${path} holds no tfjs Layers model topology (expected modelTopology with class_name)`);
  }
  return topology;
}

async function buildLayersModel(topology: LayersTopology, path: string): Promise<tf.LayersModel> {
  try {
    return await tf.models.modelFromJSON({ modelTopology: topology });
  } catch (e) {
    throw new SolverError('argument', `--model: ${path}: cannot build its layers (${(e as Error).message})`, { cause: e });
  }
}

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
  options: [{ flag: 'model', value: 'file', description: 'a tfjs Layers model.json (topology only; weight files are not read)' }],
  async run(context: CliContext, options: Readonly<Record<string, unknown>>): Promise<number> {
    const path = options.model;
    if (typeof path !== 'string' || path === '') {
      throw new SolverError('argument', '--model: missing, expected the path of a tfjs Layers model.json');
    }
    // Check --model (read and parse it) before picking a backend: a wrong path fails at once.
    const topology: LayersTopology = await readLayersTopology(nodeTextFileReader, path);
    const config = await context.loadConfig();
    await context.selectBackend();
    const model = await buildLayersModel(topology, path);
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
