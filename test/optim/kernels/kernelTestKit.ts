import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/** The backends the fused kernels are tested on. */
export const BACKENDS = ['cpu', 'wasm'] as const;

/** Shapes with sizes 15, 7, 24, 1, 33: whole SIMD vectors, tails of 1-3 elements, and a scalar-like tensor. */
export const SHAPES: readonly number[][] = [[3, 5], [7], [2, 2, 2, 3], [1], [33]];

/** Deterministic pseudo-random floats in [-1, 1), rounded to float32 (a small LCG, seeded). */
export function randomArrays(shapes: readonly number[][], seed: number): Float32Array[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
  return shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, next));
}

/** Variables holding `arrays` whose buffers only the variable references (the kernels' in-place case). */
export function variables(shapes: readonly number[][], arrays: readonly Float32Array[]): tf.Variable[] {
  return shapes.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(arrays[i] as Float32Array, s))));
}

/** Tensors holding `arrays`. */
export function tensors(shapes: readonly number[][], arrays: readonly Float32Array[]): tf.Tensor[] {
  return shapes.map((s, i) => tf.tensor(arrays[i] as Float32Array, s));
}

/**
 * Runs `fn` and returns how many times it read tensor values to the host: calls of
 * `dataSync`/`arraySync`/`data`/`array` on any tensor and `readSync`/`read` on the backend.
 */
export function countSyncs(fn: () => void): number {
  let count = 0;
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const backend = tf.backend() as unknown as Record<string, unknown>;
  const patched: [Record<string, unknown>, string, unknown][] = [];
  const wrap = (target: Record<string, unknown>, key: string): void => {
    const original = target[key] as (...args: unknown[]) => unknown;
    patched.push([target, key, Object.prototype.hasOwnProperty.call(target, key) ? original : undefined]);
    target[key] = function (this: unknown, ...args: unknown[]): unknown {
      count += 1;
      return original.apply(this, args);
    };
  };
  ['dataSync', 'arraySync', 'data', 'array'].forEach((k) => {
    wrap(proto, k);
  });
  ['readSync', 'read'].forEach((k) => {
    wrap(backend, k);
  });
  try {
    fn();
  } finally {
    for (const [target, key, original] of patched.reverse()) {
      if (original === undefined) {
        Reflect.deleteProperty(target, key);
      } else {
        target[key] = original;
      }
    }
  }
  return count;
}

/** Largest |a − b| / max(1, |b|) over two equally long arrays. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    worst = Math.max(worst, Math.abs(x - y) / Math.max(1, Math.abs(y)));
  }
  return worst;
}
