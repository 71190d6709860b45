import { SolverError } from '../errors/index.js';
import { showValue } from './schedulerArgs.js';

/** How the warmup stage moves: `linear` from `factor · s(0)` to its end value, or `constant` at `factor · s(0)`. */
export type WarmupMethod = 'linear' | 'constant';

/**
 * Returns `method` when it is a {@link WarmupMethod}, else throws the reference's error
 * `Unknown warmup method: <m>` (detectron2 `WarmupParamScheduler`), followed by which key or
 * argument held it.
 *
 * @param method the value to check.
 * @param key the argument or config key that held it, named in the message.
 * @throws SolverError(kind) `Unknown warmup method: <m> (<key>; expected 'linear' or 'constant')`.
 */
export function checkWarmupMethod(method: unknown, key: string, kind: 'argument' | 'config'): WarmupMethod {
  if (method === 'linear' || method === 'constant') return method;
  const shown: string = typeof method === 'string' ? method : showValue(method);
  throw new SolverError(kind, `Unknown warmup method: ${shown} (${key}; expected 'linear' or 'constant')`);
}
