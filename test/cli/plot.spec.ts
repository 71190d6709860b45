import { describe, expect, it } from '@jest/globals';
import { lineChartSvg, logTicks, niceTicks, tickLabel } from '../../src/cli/plot.js';

describe(niceTicks, () => {
  it('should step by 1, 2 or 5 times a power of ten', () => {
    expect(niceTicks(0, 90000, 8)).toEqual([0, 20000, 40000, 60000, 80000]);
    expect(niceTicks(0, 0.02)).toEqual([0, 0.005, 0.01, 0.015, 0.02]);
    expect(niceTicks(0.3, 2.4)).toEqual([0.5, 1, 1.5, 2]);
  });
});

describe(logTicks, () => {
  it('should give powers of ten, and 2x / 5x over two decades or less', () => {
    expect(logTicks(1e-5, 0.5)).toEqual([1e-5, 1e-4, 1e-3, 1e-2, 1e-1]);
    expect(logTicks(0.01, 0.5)).toEqual([0.01, 0.02, 0.05, 0.1, 0.2, 0.5]);
  });
});

describe(tickLabel, () => {
  it('should write short labels', () => {
    expect([0, 0.05, 2000, 1e-4, 2.5e6, 0.00012].map(tickLabel)).toEqual(['0', '0.05', '2000', '1e-4', '2.5e6', '1.2e-4']);
  });
});

/** The `<text>` elements of an SVG: x, y, anchor and content. */
function texts(svg: string): { x: number; y: number; anchor: string; text: string }[] {
  return [...svg.matchAll(/<text x="([\d.-]+)" y="([\d.-]+)"([^>]*)>([^<]*)<\/text>/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    anchor: /text-anchor="(\w+)"/.exec(m[3] ?? '')?.[1] ?? 'start',
    text: m[4] ?? '',
  }));
}

describe(lineChartSvg, () => {
  const chart = {
    title: 'WarmupMultiStepLR',
    xLabel: 'iteration',
    yLabel: 'learning rate',
    series: [
      {
        name: 'lr',
        points: [
          { x: 0, y: 0 },
          { x: 1000, y: 0.02 },
          { x: 89999, y: 0.0002 },
        ],
      },
    ],
    marks: [
      { x: 1000, label: 'end of warmup (1000)' },
      { x: 60000, label: 'milestone 60000' },
      { x: 80000, label: 'milestone 80000' },
      { x: 88000, label: 'milestone 88000' },
    ],
    xDomain: [0, 90000] as const,
    yFromZero: true,
  };

  it('should be deterministic', () => {
    expect(lineChartSvg(chart)).toBe(lineChartSvg(chart));
  });

  it('should keep every mark label inside the 800-pixel width, above the plot, and apart from the others', () => {
    const svg: string = lineChartSvg(chart);
    const plotTop: number = Number(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="300"/.exec(svg)?.[1]);
    const labels = texts(svg).filter((t) => t.text.startsWith('milestone') || t.text.startsWith('end of'));
    expect(labels).toHaveLength(4);
    const boxes = labels.map((t) => ({ left: t.x, right: t.x + t.text.length * 11 * 0.62, y: t.y }));
    for (const box of boxes) {
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(800);
      expect(box.y).toBeLessThan(plotTop); // in the band above the curve
    }
    for (let a = 0; a < boxes.length; a++) {
      for (let b = a + 1; b < boxes.length; b++) {
        const [p, q] = [boxes[a], boxes[b]];
        if (p === undefined || q === undefined) continue;
        const overlap: boolean = p.y === q.y && p.left < q.right && q.left < p.right;
        expect(overlap).toBe(false);
      }
    }
  });

  it('should draw a legend only for more than one series', () => {
    expect(lineChartSvg(chart)).not.toContain('>lr</text>');
    const two = lineChartSvg({ ...chart, series: [...chart.series, { name: 'bias group', points: [{ x: 0, y: 0.01 }] }] });
    expect(texts(two).map((t) => t.text)).toEqual(expect.arrayContaining(['lr', 'bias group']));
  });
});
