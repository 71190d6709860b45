// Distance in units in the last place between two doubles (0 when bit-identical).
export function ulps(a: number, b: number): number {
  if (Object.is(a, b)) return 0;
  const view: DataView = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  const ia: bigint = view.getBigInt64(0);
  const ib: bigint = view.getBigInt64(8);
  const diff: bigint = ia > ib ? ia - ib : ib - ia;
  return Number(diff);
}

// Python's round(x, n) closely enough for the reference's rounded tables (half-even ties do not occur there).
export function roundTo(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

// numpy.allclose for one pair.
export function allclose(a: number, b: number, rtol = 1e-5, atol = 1e-8): boolean {
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}
