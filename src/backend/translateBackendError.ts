import { SolverError } from '../errors.js';

const KERNEL_NOT_REGISTERED: RegExp = /Kernel '([^']+)' not registered for backend '([^']+)'/;

/** What a missing kernel is needed for, where the name alone does not say it. */
const KERNEL_PURPOSE: Readonly<Record<string, string>> = Object.freeze({
  Conv2DBackpropFilter: 'the gradient of Conv2D with respect to its filter',
  Conv2DBackpropInput: 'the gradient of Conv2D with respect to its input',
  Conv3DBackpropFilterV2: 'the gradient of Conv3D with respect to its filter',
  DepthwiseConv2dNativeBackpropFilter: 'the gradient of DepthwiseConv2D with respect to its filter',
  DepthwiseConv2dNativeBackpropInput: 'the gradient of DepthwiseConv2D with respect to its input',
  MaxPoolGrad: 'the gradient of MaxPool',
  AvgPoolGrad: 'the gradient of AvgPool',
});

/**
 * Turns tfjs's raw "Kernel 'X' not registered for backend 'Y'" error into a SolverError of kind
 * `backend` that names the backend, the kernel, what it is for and the fix; any other error is
 * returned unchanged.
 *
 * Why: the wasm backend has no gradient kernel for Conv2D (`Conv2DBackpropFilter`), so training a
 * conv net on wasm fails deep inside the tape with a message that does not say what to do.
 *
 * @param error whatever a training step threw.
 * @param audience who reads the advice: `cli` names the `--backend` flag, `library` (default) the
 *   `TRAIN.BACKEND` key and `tf.setBackend`.
 * @returns the translated SolverError, or `error` itself.
 * @example
 * ```ts
 * try { optimizer.minimize(loss); } catch (e) { throw translateBackendError(e); }
 * ```
 */
export function translateBackendError(error: unknown, audience: 'cli' | 'library' = 'library'): unknown {
  const message: unknown = (error as { message?: unknown } | null)?.message;
  const match: RegExpExecArray | null = typeof message === 'string' ? KERNEL_NOT_REGISTERED.exec(message) : null;
  const kernel: string | undefined = match?.[1];
  const backend: string | undefined = match?.[2];
  if (kernel === undefined || backend === undefined) return error;
  const purpose: string = KERNEL_PURPOSE[kernel] ?? `the operation ${kernel}`;
  const alternatives: string[] = ['cpu', 'tensorflow'].filter((name: string) => name !== backend);
  const advice: string =
    audience === 'cli'
      ? `--backend ${alternatives.join(' or ')} (TRAIN.BACKEND)`
      : `set TRAIN.BACKEND to ${alternatives.join(' or ')}, or call tf.setBackend('${alternatives[0] ?? 'cpu'}') before building the model`;
  return new SolverError(
    'backend',
    `the ${backend} backend has no kernel ${kernel} (${purpose}); train this model on another backend: ${advice}`,
    {
      cause: error,
    },
  );
}
