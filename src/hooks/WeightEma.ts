import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../errors.js';
import { fusedEmaStep } from '../optim/kernels/ema.js';
import { appliedSelector } from '../optim/rule.js';
import type { NamedTensor } from './checkpointCodec.js';
import type { Hook } from './Hook.js';

/**
 * A `tf.LayersModel`'s variables (trainable and not, BatchNorm statistics included), keyed by
 * their original names (`dense_1/kernel`).
 *
 * Why original names: tfjs gives a variable a unique name (`dense_1/kernel_1`) when a model with
 * the same layer names already exists in the process; the original name is what two builds of
 * the same model agree on, so checkpoints written by one load into the other.
 *
 * @throws SolverError kind `argument` if a weight is not backed by a `tf.Variable` (never for tfjs layers).
 * @example
 * ```ts
 * layersModelVariables(model).get('hidden/kernel'); // the tf.Variable behind that weight
 * ```
 */
export function layersModelVariables(model: tf.LayersModel): Map<string, tf.Variable> {
  const variables: Map<string, tf.Variable> = new Map<string, tf.Variable>();
  for (const weight of model.weights) {
    const variable: tf.Tensor = weight.read();
    if (!(variable instanceof tf.Variable)) {
      throw new SolverError('argument', `model weight ${weight.originalName}: expected a tf.Variable behind it`);
    }
    variables.set(weight.originalName, variable as tf.Variable);
  }
  return variables;
}

/**
 * Keeps an exponential moving average of the model's weights: after every step
 * `ema ← decay · ema + (1 − decay) · w`, on the device, no sync.
 *
 * Why: averaged weights often evaluate better than the last ones (detectron2's `ModelEMA`);
 * the average is saved in checkpoints (so a resumed run continues it exactly) and can be
 * swapped into the model for evaluation and swapped back.
 *
 * The average starts as a copy of the weights at `beforeTrain` (or from a loaded checkpoint).
 * It covers every variable given, non-trainable ones (BatchNorm statistics) included.
 *
 * @example
 * ```ts
 * const ema = new WeightEma(layersModelVariables(model), 0.999);
 * // ... train with ema among the hooks ...
 * ema.swap();            // the model now holds the averaged weights
 * model.evaluate(xs, ys);
 * ema.swap();            // and the trained ones again
 * ```
 */
export class WeightEma implements Hook {
  private shadows: Map<string, tf.Variable> | null = null;

  /**
   * @param variables the model's variables by stable name (see `layersModelVariables`).
   * @param decay weight of the old average, in [0, 1). Default 0.999 (`TRAIN.EMA_DECAY`).
   * @throws SolverError kind `argument` when decay is outside [0, 1).
   */
  public constructor(
    private readonly variables: ReadonlyMap<string, tf.Variable>,
    private readonly decay: number = 0.999,
  ) {
    if (!(decay >= 0 && decay < 1)) throw new SolverError('argument', `WeightEma decay: got ${decay}, expected a number in [0, 1)`);
  }

  /** Starts the average from the current weights, unless a checkpoint already loaded one. */
  public beforeTrain(): void {
    this.shadows ??= this.copyOf(this.variables);
  }

  /**
   * Moves the average one step towards the current weights. A variable holding a NaN or infinite
   * value keeps its average unchanged (decided on the device), so the average never absorbs NaN.
   */
  public afterStep(): void {
    const shadows: Map<string, tf.Variable> = (this.shadows ??= this.copyOf(this.variables));
    const names: string[] = [...this.variables.keys()];
    const variables: tf.Variable[] = names.map((name) => this.variables.get(name) as tf.Variable);
    const averages: tf.Variable[] = names.map((name) => shadows.get(name) as tf.Variable);
    // One kernel for all variables on cpu and wasm; about ten ops per variable elsewhere.
    if (fusedEmaStep(averages, variables, this.decay)) return;
    tf.tidy(() => {
      variables.forEach((variable, i) => {
        const shadow = averages[i] as tf.Variable;
        const moved: tf.Tensor = tf.add(tf.mul(shadow, this.decay), tf.mul(variable, 1 - this.decay));
        // A full-shape condition: a broadcast scalar one goes through tfjs's slow generic tile.
        const select = appliedSelector(tf.cast(tf.all(tf.isFinite(variable)), 'float32') as tf.Scalar, variable);
        shadow.assign(select(moved, shadow));
      });
    });
  }

  /** Exchanges the model's weights and the averaged ones (call again to swap back). */
  public swap(): void {
    const shadows: Map<string, tf.Variable> = (this.shadows ??= this.copyOf(this.variables));
    tf.tidy(() => {
      for (const [name, variable] of this.variables) {
        const shadow: tf.Variable = shadows.get(name) as tf.Variable;
        const current: tf.Tensor = tf.clone(variable);
        variable.assign(shadow);
        shadow.assign(current);
      }
    });
  }

  /** The averaged weights by name (the live variables: read them, do not dispose them); empty before training. */
  public state(): NamedTensor[] {
    return [...(this.shadows ?? new Map<string, tf.Variable>())].map(([name, tensor]) => ({ name, tensor }));
  }

  /**
   * Replaces the average with `tensors` (copied; the caller keeps ownership).
   * @throws SolverError kind `state` when the names or shapes differ from the model's variables.
   */
  public loadState(tensors: readonly NamedTensor[]): void {
    const byName: Map<string, tf.Tensor> = new Map(tensors.map((t) => [t.name, t.tensor]));
    for (const [name, variable] of this.variables) {
      const tensor: tf.Tensor | undefined = byName.get(name);
      if (tensor === undefined || !tf.util.arraysEqual(tensor.shape, variable.shape)) {
        throw new SolverError(
          'state',
          `WeightEma state: variable ${name} missing or of another shape; expected [${variable.shape.join(', ')}]`,
        );
      }
    }
    if (byName.size !== this.variables.size) {
      throw new SolverError('state', `WeightEma state: got ${byName.size} tensors, the model has ${this.variables.size} variables`);
    }
    this.dispose();
    this.shadows = this.copyOf(byName);
  }

  /** Frees the averaged weights. */
  public dispose(): void {
    if (this.shadows !== null) for (const shadow of this.shadows.values()) shadow.dispose();
    this.shadows = null;
  }

  private copyOf(source: ReadonlyMap<string, tf.Tensor>): Map<string, tf.Variable> {
    const copies: Map<string, tf.Variable> = new Map<string, tf.Variable>();
    for (const [name] of this.variables) {
      copies.set(name, tf.variable(source.get(name) as tf.Tensor, false));
    }
    return copies;
  }
}
