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
