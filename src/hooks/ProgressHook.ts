import type { Hook, HookContext } from './Hook.js';

/** The values a progress display shows besides the count. */
export interface ProgressValues {
  /** The LR of the last step, or undefined before the first. */
  readonly lr: number | undefined;
  /** The loss from the last metrics line, or undefined before the first. */
  readonly loss: number | undefined;
}

/**
 * A progress bar, as the {@link ProgressHook} drives it. The CLI draws one 80-column line
 * on stderr; a page could draw an HTML bar. Kept apart so `src/hooks` does not depend on a
 * terminal library.
 */
export interface ProgressDisplay {
  /** Shows a bar from `value` to `total` (iterations). */
  start(total: number, value: number, values: ProgressValues): void;
  /** Moves the bar to `value` (iterations completed). */
  update(value: number, values: ProgressValues): void;
  /** Removes or finishes the bar. */
  stop(): void;
}

function valuesOf(ctx: HookContext): ProgressValues {
  return { lr: ctx.storage.latest('lr'), loss: ctx.storage.latest('total_loss') };
}

/**
 * Shows training progress (iteration, ETA, loss, LR) on a {@link ProgressDisplay}, stopping it
 * exactly once per run.
 *
 * Why no sync: the loss shown is the one the metrics writer last wrote (`total_loss` in the
 * event storage), so the bar costs nothing on the device; register it after the metrics writer.
 * The CLI leaves this hook out when stderr is not a terminal or with `--json`.
 *
 * @example
 * ```ts
 * hooks.add(new ProgressHook(myDisplay));
 * ```
 */
export class ProgressHook implements Hook {
  private active: boolean = false;

  /** @param display the bar to drive. */
  public constructor(private readonly display: ProgressDisplay) {}

  /** Starts the bar at the first iteration of this run. */
  public beforeTrain(ctx: HookContext): void {
    this.display.start(ctx.maxIter, ctx.startIter, valuesOf(ctx));
    this.active = true;
  }

  /**
   * Moves the bar to the number of completed iterations; after the last one, stops it, so what
   * other hooks log in `afterTrain` (the timer's summary) is not drawn into the bar.
   */
  public afterStep(ctx: HookContext): void {
    this.display.update(ctx.iteration + 1, valuesOf(ctx));
    if (ctx.iteration + 1 >= ctx.maxIter) this.stop();
  }

  /** Stops the bar if the last step did not (training stopped early or failed). */
  public afterTrain(): void {
    this.stop();
  }

  private stop(): void {
    if (!this.active) return;
    this.active = false;
    this.display.stop();
  }
}

/** What one progress line shows. */
export interface ProgressLine {
  /** Iterations completed. */
  readonly value: number;
  /** `maxIter`. */
  readonly total: number;
  /** Iterations per second over this run so far; undefined before the second update. */
  readonly rate: number | undefined;
  readonly loss: number | undefined;
  readonly lr: number | undefined;
}

/** Seconds as `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  const whole: number = Math.max(0, Math.round(seconds));
  const h: number = Math.floor(whole / 3600);
  const m: number = Math.floor((whole % 3600) / 60);
  const s: string = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * One progress line of at most `width` characters, e.g.
 * `1200/2000  60% [######-----] 41.2 it/s  ETA 0:19  loss 0.1234  lr 1.23e-2`.
 *
 * Why the bar takes what is left: the numbers (count, rate, ETA, loss, LR) always fit whole;
 * the bar shrinks to make room and disappears below 5 columns, so a narrow terminal never cuts
 * the LR. Pure, so it is tested without a terminal.
 */
export function formatProgressLine(line: ProgressLine, width: number = 80): string {
  const percent: number = line.total > 0 ? Math.floor((100 * line.value) / line.total) : 100;
  const count: string = `${String(line.value).padStart(String(line.total).length)}/${line.total} ${String(percent).padStart(3)}%`;
  const eta: string = line.rate === undefined || line.rate <= 0 ? '' : `ETA ${formatDuration((line.total - line.value) / line.rate)}`;
  const rate: string = line.rate === undefined ? '' : `${line.rate >= 100 ? line.rate.toFixed(0) : line.rate.toFixed(1)} it/s`;
  const loss: string = line.loss === undefined ? '' : `loss ${line.loss.toFixed(4)}`;
  const lr: string = line.lr === undefined ? '' : `lr ${shortExponential(line.lr)}`;
  // Least useful first: on a narrow terminal the rate goes, then the ETA, then the loss; never the LR.
  const choices: string[][] = [[rate, eta, loss, lr], [eta, loss, lr], [loss, lr], [lr]];
  for (const fields of choices) {
    const tail: string = fields.filter((field: string) => field !== '').join('  ');
    const room: number = width - count.length - tail.length - 3;
    if (room >= 5) {
      const inner: number = Math.min(30, room - 2);
      const filled: number = line.total > 0 ? Math.round((inner * Math.min(line.value, line.total)) / line.total) : inner;
      return `${count} [${'#'.repeat(filled)}${'-'.repeat(inner - filled)}] ${tail}`;
    }
    if (count.length + 1 + tail.length <= width) return `${count} ${tail}`;
  }
  return `${count} ${lr}`;
}

/** `0.0123` → `1.23e-2` (no `+`, no leading zero in the exponent). */
function shortExponential(value: number): string {
  return value.toExponential(2).replace('e+', 'e');
}
