/**
 * A seeded pseudo-random generator of floats in [0, 1) (mulberry32: 32-bit state, fast, and
 * the same sequence on every platform).
 *
 * Why not `Math.random`: data order and initialisation must repeat exactly from `SEED` so a
 * resumed run continues bit for bit.
 *
 * @param seed any integer (taken modulo 2^32).
 * @returns a function that returns the next number each call.
 * @example
 * ```ts
 * const next = seededRandom(42);
 * next(); // the same first value on every run
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state: number = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t: number = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A permutation of `0 … n−1` drawn from `seed` (Fisher–Yates).
 * @example
 * ```ts
 * seededPermutation(5, 1); // the same order of 0..4 on every run
 * ```
 */
export function seededPermutation(n: number, seed: number): Int32Array {
  const next: () => number = seededRandom(seed);
  const order: Int32Array = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j: number = Math.floor(next() * (i + 1));
    const swap: number = order[i] ?? 0;
    order[i] = order[j] ?? 0;
    order[j] = swap;
  }
  return order;
}
