import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../errors/index.js';

/**
 * Runs a fused group kernel on the active backend and assigns its outputs, in order, to
 * `targets`; then releases the outputs, so only the variables' values remain. When an output
 * aliases its variable's buffer (updated in place), `assign` just moves the reference.
 *
 * @throws SolverError('backend') when the kernel is not registered for the active backend.
 */
export function assignOutputs(kernelName: string, inputs: tf.NamedTensorMap, attrs: object, targets: readonly tf.Variable[]): void {
  const backendName = tf.getBackend();
  if ((tf.getKernel(kernelName, backendName) as tf.KernelConfig | undefined) === undefined) {
    throw new SolverError(
      'backend',
      `fused kernel ${kernelName}: not registered for backend '${backendName}'; call registerFusedKernels() and use the cpu or wasm backend`,
    );
  }
  const outputs = tf.engine().runKernel<tf.Tensor[]>(kernelName, inputs, attrs as tf.NamedAttrMap);
  targets.forEach((target, i) => {
    target.assign(outputs[i] as tf.Tensor);
  });
  tf.dispose(outputs);
}
