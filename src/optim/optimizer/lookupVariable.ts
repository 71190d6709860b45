import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../errors/index.js';

/**
 * The `tf.Variable` registered under a unique name (the key of gradient maps, NOTES §2.5).
 *
 * Why by name: the optimizer keys groups and state by name, so it can be rebuilt from a config
 * (fromConfig) and never mixes variables up by position.
 *
 * @param name a variable's unique name, e.g. `dense_1/kernel`.
 * @returns the variable.
 * @throws SolverError('state') when no variable has that name.
 */
export function lookupVariable(name: string): tf.Variable {
  const variable = tf.engine().registeredVariables[name];
  if (variable === undefined) {
    throw new SolverError('state', `variable '${name}' is not registered with tfjs (disposed, or its model not built)`);
  }
  return variable;
}
