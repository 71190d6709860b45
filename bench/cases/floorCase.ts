import type { BenchCase } from '../BenchCase.js';

/**
 * The memory floor: what one momentum-SGD update must at least write — every parameter and its
 * momentum buffer (2 × 4 bytes per float) — done as `Float32Array.prototype.set` copies between
 * preallocated JavaScript arrays, reading the same number of bytes. No tfjs involved.
 */
export const floorCase: BenchCase = {
  name: 'memory floor (Float32Array.set of params + buffers)',
  key: 'floor',
  prepare: ({ set }) => {
    const sizes = set.params.map(([, shape]) => shape.reduce((a, b) => a * b, 1));
    const pairs = sizes.flatMap((n) => [0, 1].map(() => ({ src: new Float32Array(n).fill(0.5), dst: new Float32Array(n) })));
    return {
      step: () => {
        for (const { src, dst } of pairs) dst.set(src);
      },
      dispose: () => {
        pairs.length = 0;
      },
    };
  },
};
