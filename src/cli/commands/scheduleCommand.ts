import type { Command } from 'commander';
import type { CliCommand } from '../CliCommand.js';
import type { CliContext } from '../CliContext.js';
import { writeScheduleChart } from '../plot/writeScheduleChart.js';
import { checkScheduleFlags } from '../schedule/checkScheduleFlags.js';
import { formatScheduleSummary } from '../schedule/formatScheduleSummary.js';
import { parseEvery } from '../schedule/parseEvery.js';
import { scheduleSeries } from '../schedule/scheduleSeries.js';
import type { ScheduleSeries } from '../schedule/scheduleSeries.js';

/**
 * `tfjs-solver schedule`: the learning-rate schedule a config produces (docs/schedules.md).
 *
 * Default: a short summary (LR at the start, end of warmup, each milestone, the end) and a
 * sparkline. `--json`: `{"lr": [...]}`, `BASE_LR × m(i / MAX_ITER)` for i = 0..MAX_ITER−1
 * (every N-th with `--every N`). `--plot FILE.svg|FILE.png`: a chart, `--log-scale` for a log y axis.
 */
export const scheduleCommand: CliCommand = {
  name: 'schedule',
  description: 'print (or chart) the learning-rate schedule a config produces',
  configure(command: Command): void {
    command
      .option('--every <n>', 'with --json: keep every n-th iteration (0, n, 2n, ...)')
      .option('--plot <file>', 'also draw the schedule to FILE.svg or FILE.png')
      .option('--log-scale', 'with --plot: logarithmic LR axis');
  },
  async run(context: CliContext, options: Readonly<Record<string, unknown>>): Promise<number> {
    checkScheduleFlags(options);
    const every: number = parseEvery(options.every);
    const config = await context.loadConfig();
    const series: ScheduleSeries = scheduleSeries(config, context.logger);
    const plot: unknown = options.plot;
    if (typeof plot === 'string') {
      await writeScheduleChart(plot, config, series, options.logScale === true);
      context.logger.info(`wrote ${plot}`);
    }
    const lr: number[] = series.lr.filter((_v: number, i: number) => i % every === 0);
    context.output(formatScheduleSummary(config, series), { lr });
    return 0;
  },
};
