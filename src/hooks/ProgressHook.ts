import type { Hook, HookContext } from './Hook.js';

/** The values a progress display shows besides the count. */
export interface ProgressValues {
  /** The LR of the last step, or undefined before the first. */
  readonly lr: number | undefined;
  /** The loss from the last metrics line, or undefined before the first. */
  readonly loss: number | undefined;
}

/**
 * A progress bar, as the {@link ProgressHook} drives it. The CLI implements it with `cli-progress`
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
