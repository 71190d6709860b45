import type * as tf from '@tensorflow/tfjs';
import type { StepControl } from '../updates/GroupUpdate.js';

/** The optional `gradScale` and `apply` inputs of a fused group kernel (absent means 1). */
export function controlInputs(control: StepControl): tf.NamedTensorMap {
  const inputs: tf.NamedTensorMap = {};
  if (control.gradScale !== null) {
    inputs.gradScale = control.gradScale;
  }
  if (control.apply !== null) {
    inputs.apply = control.apply;
  }
  return inputs;
}
