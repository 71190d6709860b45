// A small line chart on a <canvas>: one or more named series of (x, y) points, axes with the
// extreme values as labels. Enough for live training curves; no dependency.
import type { Canvas2D, CanvasElement } from './dom.js';

/** One line of a chart. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
}

const MARGIN = { left: 52, right: 8, top: 8, bottom: 34 };

function format(value: number): string {
  if (value === 0) return '0';
  const abs: number = Math.abs(value);
  return abs >= 1000 || abs < 0.01 ? value.toExponential(1) : String(Number(value.toPrecision(3)));
}

/** Draws `series` on `canvas`, scaled to fit every point (y from `yMin` when given). */
export function drawChart(canvas: CanvasElement, series: readonly Series[], yMin?: number): void {
  const g: Canvas2D | null = canvas.getContext('2d');
  if (g === null) return;
  const { width, height } = canvas;
  g.clearRect(0, 0, width, height);
  const all: (readonly [number, number])[] = series.flatMap((s) => [...s.points]);
  if (all.length === 0) return;
  const xs: number[] = all.map((p) => p[0]);
  const ys: number[] = all.map((p) => p[1]);
  const x0: number = Math.min(...xs);
  const x1: number = Math.max(...xs, x0 + 1);
  const y0: number = yMin ?? Math.min(...ys);
  const y1: number = Math.max(...ys) > y0 ? Math.max(...ys) : y0 + 1;
  const w: number = width - MARGIN.left - MARGIN.right;
  const h: number = height - MARGIN.top - MARGIN.bottom;
  const px = (x: number): number => MARGIN.left + ((x - x0) / (x1 - x0)) * w;
  const py = (y: number): number => MARGIN.top + h - ((y - y0) / (y1 - y0)) * h;
  g.strokeStyle = '#888';
  g.lineWidth = 1;
  g.strokeRect(MARGIN.left, MARGIN.top, w, h);
  g.fillStyle = '#333';
  g.font = '11px sans-serif';
  g.textAlign = 'right';
  g.fillText(format(y1), MARGIN.left - 4, MARGIN.top + 10);
  g.fillText(format(y0), MARGIN.left - 4, MARGIN.top + h);
  g.textAlign = 'left';
  g.fillText(format(x0), MARGIN.left, MARGIN.top + h + 13);
  g.textAlign = 'right';
  g.fillText(`${format(x1)} iter`, MARGIN.left + w, MARGIN.top + h + 13);
  let legend: number = MARGIN.left;
  g.textAlign = 'left';
  for (const s of series) {
    g.strokeStyle = s.color;
    g.lineWidth = 1.5;
    g.beginPath();
    s.points.forEach(([x, y], i) => {
      if (i === 0) g.moveTo(px(x), py(y));
      else g.lineTo(px(x), py(y));
    });
    g.stroke();
    if (s.points.length <= 60) {
      // Few points: mark each (a single point would draw no line).
      g.fillStyle = s.color;
      for (const [x, y] of s.points) g.fillRect(px(x) - 2, py(y) - 2, 4, 4);
    }
    if (series.length > 1) {
      g.fillStyle = s.color;
      g.fillText(s.name, legend, height - 4);
      legend += g.measureText(s.name).width + 10;
    }
  }
}
