import * as tf from '@tensorflow/tfjs';

/**
 * Per-parameter step counts of the rules that count steps (Adam, AdamW), as the host keeps them
 * next to the device's `<variable>/step` slots.
 *
 * Why two copies: the bias corrections are exact only from the host's float64 count, but whether
 * a step was skipped is decided on the device. The host counts every step as applied; it knows
 * the skipped-steps total `known` its counts account for. On cpu and wasm the flag is read at
 * once (no sync), so the host is always exact. On webgl/webgpu the host is ahead by the skipped
 * steps it has not seen: while every parameter had a gradient in each step since the counts were
 * exact (`uniform`), that is `total − known` for every parameter, which the fused GPU kernels
 * correct on the device; otherwise the plain-ops updates count on the device (slots exact).
 */
export class StepCounts {
  /** The host's count per variable (every step assumed applied). */
  private readonly host = new Map<string, number>();
  /** The skipped-steps total the host's counts account for. */
  public known = 0;
  /** True when fused steps advanced the host's counts but not the device's slots. */
  public stale = false;
  /** See the class: every parameter had a gradient in every step since the counts were exact. */
  public uniform = true;

  /** @param names the variables counted. @param slot the `<variable>/step` slot of a variable. */
  public constructor(
    private readonly names: readonly string[],
    private readonly slot: (name: string) => tf.Variable,
  ) {}

  /** The number this step would have for each of `names` (1-based). */
  public next(names: readonly string[]): number[] {
    return names.map((n) => (this.host.get(n) ?? 0) + 1);
  }

  /** Records a step's numbers (from next) as counted. */
  public advance(names: readonly string[], steps: readonly number[]): void {
    names.forEach((n, i) => this.host.set(n, steps[i] as number));
  }

  /** Writes the host's counts less the unseen skipped steps into stale slots. Device ops, no sync. */
  public writeDevice(total: tf.Scalar): void {
    if (!this.stale) return;
    this.stale = false;
    tf.tidy(() => {
      const lag = tf.sub(total, this.known);
      for (const name of this.names) this.slot(name).assign(tf.sub(this.host.get(name) ?? 0, lag));
    });
  }

  /** Sets the host's counts (and the total they reflect) from the device's slots: one asynchronous read. */
  public async read(total: tf.Scalar): Promise<void> {
    const steps = tf.tidy(() => tf.stack([...this.names.map((n) => this.slot(n)), total]));
    const values = await steps.data();
    steps.dispose();
    this.names.forEach((n, i) => this.host.set(n, values[i] ?? 0));
    this.known = values[this.names.length] ?? 0;
    this.stale = false;
    this.uniform = true;
  }

  /** Brings the host's counts up to the device's skipped total `skipped` (read by the caller). */
  public async sync(skipped: number, total: tf.Scalar): Promise<void> {
    if (skipped === this.known) return;
    if (!this.stale) {
      await this.read(total);
      return;
    }
    // Fused GPU steps since the slots were exact, every parameter in each: each count is ahead by the unseen skips.
    for (const n of this.names) this.host.set(n, (this.host.get(n) ?? 0) - (skipped - this.known));
    this.known = skipped;
  }
}

/**
 * Old per-group step state (`<first variable>/step` only) → one count per variable: every variable
 * of the group gets the group's count, which is what that state meant.
 */
export function convertGroupSteps<T extends { name: string; tensor: tf.Tensor }>(
  state: T[],
  groups: readonly { readonly names: readonly string[] }[],
): T[] {
  const given = new Map(state.map((s) => [s.name, s]));
  const added: T[] = [];
  for (const group of groups) {
    const first = given.get(`${group.names[0] ?? ''}/step`);
    const missing = group.names.filter((n) => !given.has(`${n}/step`));
    if (first === undefined || missing.length === 0) continue;
    added.push(...missing.map((n) => ({ ...first, name: `${n}/step` })));
  }
  return [...state, ...added];
}
