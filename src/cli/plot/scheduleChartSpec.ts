import type { ScheduleLandmark } from '../schedule/scheduleSeries.js';
import type { ChartPoint } from './chartPoints.js';

/** What the schedule chart shows. */
export interface ScheduleChartInput {
  readonly title: string;
  readonly maxIter: number;
  readonly points: readonly ChartPoint[];
  /** Drawn as dashed vertical rules with a label (warmup end, milestones). */
  readonly marks: readonly ScheduleLandmark[];
  readonly logScale: boolean;
}

const FONT = 'DejaVu Sans';
const MARK_COLOR = '#c0392b';

/**
 * The vega-lite spec of the schedule chart: the LR line over iterations (linear or log y axis),
 * dashed rules and labels at the marks, DejaVu Sans everywhere (the PNG renderer has no other font).
 * With a log scale, points whose LR is not > 0 are left out (log 0 is undefined).
 */
export function scheduleChartSpec(input: ScheduleChartInput): Record<string, unknown> {
  const points: readonly ChartPoint[] = input.logScale ? input.points.filter((p: ChartPoint) => p.lr > 0) : input.points;
  const x = { field: 'iteration', type: 'quantitative', title: 'iteration', scale: { domain: [0, input.maxIter], nice: false } };
  const y = { field: 'lr', type: 'quantitative', title: input.logScale ? 'learning rate (log scale)' : 'learning rate', scale: input.logScale ? { type: 'log' } : { zero: true }, axis: { format: '~g' } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 760,
    height: 380,
    background: 'white',
    padding: 12,
    title: { text: input.title, font: FONT, fontSize: 15, anchor: 'start' },
    config: { font: FONT, axis: { labelFont: FONT, titleFont: FONT, labelFontSize: 11, titleFontSize: 12, gridColor: '#e6e6e6' }, view: { stroke: '#bbbbbb' } },
    layer: [
      { data: { values: points }, mark: { type: 'line', strokeWidth: 2, color: '#1f5fa8', clip: true }, encoding: { x, y } },
      { data: { values: input.marks }, mark: { type: 'rule', strokeDash: [5, 4], color: MARK_COLOR, opacity: 0.8 }, encoding: { x: { field: 'iteration', type: 'quantitative' } } },
      {
        data: { values: input.marks },
        mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 4, color: MARK_COLOR, fontSize: 11, font: FONT },
        encoding: { x: { field: 'iteration', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
      },
    ],
  };
}
