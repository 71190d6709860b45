import type * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../errors/index.js';
import { lookupVariable } from './lookupVariable.js';
import type { SlotName } from './slotNames.js';

/**
 * Checks that saved optimizer state fits this optimizer: the same slot names (so the same
 * variable names) and, for per-variable slots, the variable's shape.
 *
 * Why: built-in tfjs optimizers restore by position, so state saved for another model silently
 * lands on the wrong variables (NOTES §5.5); here it is an error naming what differs.
 *
 * @param state the saved slots, without the leading iteration count.
 * @param expected the slots this optimizer keeps.
 * @throws SolverError('state') naming the unknown and missing slots, or the slot whose shape differs.
 */
export function validateState(state: readonly { readonly name: string; readonly tensor: tf.Tensor }[], expected: readonly SlotName[]): void {
  const given = new Set(state.map((s) => s.name));
  const wanted = new Map(expected.map((s) => [s.key, s]));
  const unknown = [...given].filter((n) => !wanted.has(n));
  const missing = [...wanted.keys()].filter((n) => !given.has(n));
  if (unknown.length > 0 || missing.length > 0) {
    throw new SolverError(
      'state',
      `optimizer state does not match this model's variables: in the state but not the model: ${list(unknown)}; ` +
        `in the model but not the state: ${list(missing)}`,
    );
  }
  for (const { name, tensor } of state) {
    const like = wanted.get(name)?.like ?? null;
    const shape = like === null ? [] : lookupVariable(like).shape;
    if (tensor.shape.join(',') !== shape.join(',')) {
      throw new SolverError('state', `optimizer state '${name}': got shape [${tensor.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
  }
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.map((n) => `'${n}'`).join(', ');
}
