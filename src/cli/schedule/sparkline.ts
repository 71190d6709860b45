const BARS: readonly string[] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * A one-line terminal chart of `values`: `width` bars, each the mean of its share of the values,
 * scaled between the smallest and the largest value (linear).
 *
 * @param values the series (at least one value).
 * @param width number of bars, default 60.
 * @returns the bars, e.g. `▁▄████▂▂`.
 */
export function sparkline(values: readonly number[], width = 60): string {
  const bars: number = Math.max(1, Math.min(width, values.length));
  const means: number[] = Array.from({ length: bars }, (_v, b: number) => {
    const from: number = Math.floor((b * values.length) / bars);
    const to: number = Math.max(from + 1, Math.floor(((b + 1) * values.length) / bars));
    const slice: readonly number[] = values.slice(from, to);
    return slice.reduce((a: number, v: number) => a + v, 0) / slice.length;
  });
  const low: number = Math.min(...means);
  const span: number = Math.max(...means) - low;
  return means.map((v: number) => BARS[span > 0 ? Math.round(((v - low) / span) * (BARS.length - 1)) : BARS.length - 1]).join('');
}
