import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../errors/SolverError.js';
import type { TextFileReader } from '../../io/TextFileReader.js';

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
  try {
    return await tf.models.modelFromJSON({ modelTopology: topology as tf.io.ModelJSON['modelTopology'] });
  } catch (e) {
    throw new SolverError('argument', `--model: ${path}: cannot build its layers (${(e as Error).message})`, { cause: e });
  }
}
