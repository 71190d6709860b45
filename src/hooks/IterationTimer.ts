import type { Logger } from '../io/Logger.js';
import { silentLogger } from '../io/silentLogger.js';
import type { Hook } from './Hook.js';
import type { HookContext } from './HookContext.js';

/** Options of {@link IterationTimer}. */
export interface IterationTimerOptions {
  /** Milliseconds from some fixed origin. Default `performance.now()`. */
  readonly now?: () => number;
  /** Receives the summary line after training. Default: silent. */
  readonly logger?: Logger;
}

/**
 * Measures how long each step takes and records it as `time` (seconds) in the event storage;
 * logs the overall speed once training ends.
 *
 * Why a hook: timing is policy, not loop code (detectron2's `IterationTimer`). Register it
 * early so its `beforeStep` runs before other hooks' work is counted in the next step.
 * NOTE: on asynchronous backends (webgl, webgpu) a step returns before the device finishes, so
 * `time` measures dispatch; on cpu, wasm and tensorflow it is the real step time.
 *
 * @example
 * ```ts
 * const timer = new IterationTimer({ logger: console });
 * new Trainer({ ..., hooks: [timer, lrHook, writer] });
 * ```
 */
export class IterationTimer implements Hook {
  private readonly now: () => number;
  private readonly logger: Logger;
  private stepStart: number = 0;
  private totalMs: number = 0;
  private steps: number = 0;

  /** @param options clock and logger (both optional). */
  public constructor(options: IterationTimerOptions = {}) {
    this.now = options.now ?? ((): number => performance.now());
    this.logger = options.logger ?? silentLogger;
  }

  /** Resets the totals for a new run. */
  public beforeTrain(): void {
    this.totalMs = 0;
    this.steps = 0;
  }

  /** Starts the clock for this step. */
  public beforeStep(): void {
    this.stepStart = this.now();
  }

  /** Records the step's duration as `time` (seconds). */
  public afterStep(ctx: HookContext): void {
    const elapsed: number = this.now() - this.stepStart;
    this.totalMs += elapsed;
    this.steps += 1;
    ctx.storage.put('time', elapsed / 1000);
  }

  /** Logs the number of steps and the mean time per step. */
  public afterTrain(): void {
    if (this.steps === 0) return;
    const seconds: number = this.totalMs / 1000;
    this.logger.info(
      `trained ${this.steps} iterations in ${seconds.toFixed(2)} s (${(seconds / this.steps).toFixed(4)} s/it)`,
    );
  }
}
