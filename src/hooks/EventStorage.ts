/**
 * Host-side numbers that hooks share during training: the LR hook records `lr`, the
 * iteration timer `time` and `data_time`, and the metrics writer reads them.
 *
 * Why: detectron2's `EventStorage` idea without a global: each training run owns one and
 * passes it in the hook context, so hooks never reach into one another. Only plain numbers live
 * here; device scalars (the loss) stay on the device until a writer decides to read them.
 *
 * For each name it keeps the latest value and the mean over the current window (the values
 * put since the last {@link EventStorage.resetWindow}; the metrics writer resets after each write).
 *
 * @example
 * ```ts
 * const storage = new EventStorage();
 * storage.put('time', 0.2); storage.put('time', 0.4);
 * storage.latest('time');     // 0.4
 * storage.windowMean('time'); // 0.3
 * ```
 */
export class EventStorage {
  private readonly latestValues: Map<string, number> = new Map<string, number>();
  private readonly windows: Map<string, { sum: number; count: number }> = new Map<
    string,
    { sum: number; count: number }
  >();

  /** Records `value` under `name` (latest value, and into the current window). */
  public put(name: string, value: number): void {
    this.latestValues.set(name, value);
    const window: { sum: number; count: number } = this.windows.get(name) ?? { sum: 0, count: 0 };
    window.sum += value;
    window.count += 1;
    this.windows.set(name, window);
  }

  /** The last value put under `name`, or undefined when none was. */
  public latest(name: string): number | undefined {
    return this.latestValues.get(name);
  }

  /** The mean of the values put under `name` since the last window reset, or undefined when none. */
  public windowMean(name: string): number | undefined {
    const window: { sum: number; count: number } | undefined = this.windows.get(name);
    return window === undefined || window.count === 0 ? undefined : window.sum / window.count;
  }

  /** Starts a new window for every name (latest values are kept). */
  public resetWindow(): void {
    this.windows.clear();
  }
}
