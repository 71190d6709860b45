/**
 * Σ |x|^p over `x[from, to)` in float64, or max |x| when p is Infinity (NaN if any element is NaN).
 * p = 1, 2, 3 avoid `Math.pow`; other p use it. Four accumulators keep the loop from waiting on one add.
 */
export function powerSumLoop(x: Float32Array, p: number, from: number, to: number): number {
  if (p === Infinity) {
    let max = 0;
    for (let i = from; i < to; i++) {
      const a = Math.abs(x[i] as number);
      max = a > max || Number.isNaN(a) ? a : max;
      if (Number.isNaN(max)) {
        return NaN;
      }
    }
    return max;
  }
  const term = termFor(p);
  let s0 = 0;
  let s1 = 0;
  let i = from;
  for (; i + 1 < to; i += 2) {
    s0 += term(x[i] as number);
    s1 += term(x[i + 1] as number);
  }
  if (i < to) {
    s0 += term(x[i] as number);
  }
  return s0 + s1;
}

function termFor(p: number): (v: number) => number {
  switch (p) {
    case 1:
      return Math.abs;
    case 2:
      return (v) => v * v;
    case 3:
      return (v) => Math.abs(v * v * v);
    default:
      return (v) => Math.pow(Math.abs(v), p);
  }
}
