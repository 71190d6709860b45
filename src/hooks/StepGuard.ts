import * as tf from '@tensorflow/tfjs';
import { appliedSelector } from '../optim/rule.js';
import type { Hook, HookContext } from './Hook.js';

/** The flag of the last step: a device scalar, 1 when the optimizer skipped it, else 0; null when there is none. */
export type SkippedFlagSource = () => tf.Scalar | null;

/**
 * Makes a skipped or refused step leave the WHOLE model as it was: the optimizer already leaves
 * the trainable weights alone when it skips a step (non-finite gradients), but the forward pass has
 * by then moved the non-trainable ones (BatchNormalization's moving mean and variance, to NaN after
 * a NaN batch). This hook copies those variables before each step and, after it, puts the copies
 * back where the optimizer's skipped flag is set, on the device, without a sync. When a step
 * throws (the `error` policy refusing a non-finite step, a backend error), `afterTrain` puts them
 * back unconditionally.
 *
 * Register it first, so every later hook (weight EMA, checkpoints, metrics) sees the restored state.
 *
 * @example
 * ```ts
 * const nonTrainable = model.nonTrainableWeights.map((w) => w.read() as tf.Variable);
 * const guard = new StepGuard(nonTrainable, () => optimizer.lastStepStats()?.skipped ?? null);
 * const hooks = new HookList([guard, new IterationTimer()]); // first, so later hooks see the restored state
 * ```
 */
export class StepGuard implements Hook {
  private snapshot: tf.Tensor[] | null = null;

  /**
   * @param variables the variables a step's forward pass may change outside the optimizer
   *   (the model's non-trainable weights).
   * @param skipped the optimizer's skipped flag of the last step.
   */
  public constructor(
    private readonly variables: readonly tf.Variable[],
    private readonly skipped: SkippedFlagSource,
  ) {}

  /** Copies the variables (on the device). */
  public beforeStep(): void {
    this.release();
    if (this.variables.length > 0) this.snapshot = this.variables.map((variable) => tf.clone(variable));
  }

  /** Puts the copies back when the step was skipped (decided on the device). */
  public afterStep(): void {
    const snapshot: tf.Tensor[] | null = this.snapshot;
    const flag: tf.Scalar | null = this.skipped();
    if (snapshot !== null && flag !== null) {
      tf.tidy(() => {
        const applied = tf.cast(tf.lessEqual(flag, 0), 'float32') as tf.Scalar;
        this.variables.forEach((variable, index) => {
          const saved: tf.Tensor = snapshot[index] as tf.Tensor;
          variable.assign(appliedSelector(applied, variable)(variable, saved));
        });
      });
    }
    this.release();
  }

  /** After a step that threw, puts the copies back; frees them. */
  public afterTrain(ctx: HookContext): void {
    const snapshot: tf.Tensor[] | null = this.snapshot;
    if (snapshot !== null && ctx.ending === 'failed') {
      this.variables.forEach((variable, index) => {
        variable.assign(snapshot[index] as tf.Tensor);
      });
    }
    this.release();
  }

  private release(): void {
    if (this.snapshot !== null) tf.dispose(this.snapshot);
    this.snapshot = null;
  }
}
