import * as tf from '@tensorflow/tfjs';

/**
 * Counts device→host reads while installed: calls of `dataSync`, `arraySync`, `data`, `array` on
 * any tensor (wrapping `tf.Tensor.prototype`) and `readSync`/`read` on the active backend. Only
 * outermost calls count (a `dataSync` reaches `readSync` inside; that is one read, not two). Note:
 * some cpu-backend kernels read their inputs through `readSync` themselves (Tile, via
 * `bufferSync`), so plain-ops rows on cpu can show reads that no user code asked for.
 * `uninstall()` restores the originals.
 */
export interface SyncCounter {
  readonly count: () => number;
  readonly uninstall: () => void;
}

/** Installs a {@link SyncCounter}. */
export function installSyncCounter(): SyncCounter {
  let count = 0;
  let depth = 0;
  const restore: (() => void)[] = [];
  const wrap = (target: Record<string, unknown>, key: string): void => {
    const own = Object.prototype.hasOwnProperty.call(target, key);
    const original = target[key] as (...args: unknown[]) => unknown;
    target[key] = function (this: unknown, ...args: unknown[]): unknown {
      if (depth === 0) count += 1;
      depth += 1;
      try {
        return original.apply(this, args);
      } finally {
        depth -= 1;
      }
    };
    restore.push(() => {
      if (own) target[key] = original;
      else Reflect.deleteProperty(target, key);
    });
  };
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  for (const key of ['dataSync', 'arraySync', 'data', 'array']) wrap(proto, key);
  const backend = tf.backend() as unknown as Record<string, unknown>;
  for (const key of ['readSync', 'read']) wrap(backend, key);
  return {
    count: () => count,
    uninstall: () => {
      restore.reverse().forEach((f) => {
        f();
      });
    },
  };
}
