import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../errors/SolverError.js';

/**
 * A `tf.LayersModel`'s variables (trainable and not, BatchNorm statistics included), keyed by
 * their original names (`dense_1/kernel`).
 *
 * Why original names: tfjs gives a variable a unique name (`dense_1/kernel_1`) when a model with
 * the same layer names already exists in the process; the original name is what two builds of
 * the same model agree on, so checkpoints written by one load into the other.
 *
 * @throws SolverError kind `argument` if a weight is not backed by a `tf.Variable` (never for tfjs layers).
 * @example
 * ```ts
 * layersModelVariables(model).get('hidden/kernel'); // the tf.Variable behind that weight
 * ```
 */
export function layersModelVariables(model: tf.LayersModel): Map<string, tf.Variable> {
  const variables: Map<string, tf.Variable> = new Map<string, tf.Variable>();
  for (const weight of model.weights) {
    const variable: tf.Tensor = weight.read();
    if (!(variable instanceof tf.Variable)) {
      throw new SolverError('argument', `model weight ${weight.originalName}: expected a tf.Variable behind it`);
    }
    variables.set(weight.originalName, variable as tf.Variable);
  }
  return variables;
}
