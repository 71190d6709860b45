import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../errors.js';
import type { FileStore } from '../io/interfaces.js';
import type { Hook, HookContext } from './Hook.js';

/** Named numbers an evaluation produces, e.g. `{ accuracy: 0.98, loss: 0.07 }`. */
export type EvalResults = Readonly<Record<string, number>>;

/** What a classifier's last layer gives: raw scores (`logits`) or softmax `probabilities`. */
export type ClassifierOutput = 'logits' | 'probabilities';

/**
 * Whether a model ends in a softmax (`probabilities`) or not (`logits`), read from its last
 * layer's `activation`; what {@link classifierMetrics} and the CLI's loss need to know.
 */
export function classifierOutput(model: tf.LayersModel): ClassifierOutput {
  const last: tf.layers.Layer | undefined = model.layers[model.layers.length - 1];
  const activation: unknown = last?.getConfig().activation;
  return activation === 'softmax' ? 'probabilities' : 'logits';
}

/**
 * Mean cross-entropy of one-hot `ys` against the model's `output` (logits or probabilities), per
 * sample; call inside `tf.tidy`.
 */
export function crossEntropy(ys: tf.Tensor, output: tf.Tensor, kind: ClassifierOutput): tf.Tensor1D {
  if (kind === 'logits') return tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Tensor1D>(ys, output, undefined, undefined, tf.Reduction.NONE);
  return tf.metrics.categoricalCrossentropy(ys, output) as tf.Tensor1D;
}

/** Sums of one batch: correct predictions, summed loss, samples (a `[3]` tensor). */
function batchSums(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor, kind: ClassifierOutput): tf.Tensor1D {
  return tf.tidy(() => {
    const output: tf.Tensor = model.predict(xs) as tf.Tensor;
    const correct: tf.Scalar = tf.sum(tf.cast(tf.equal(tf.argMax(output, -1), tf.argMax(ys, -1)), 'float32'));
    const loss: tf.Scalar = tf.sum(crossEntropy(ys, output, kind));
    return tf.stack([correct, loss, tf.scalar(xs.shape[0])]) as tf.Tensor1D;
  });
}

/**
 * Accuracy (argmax of the output equals argmax of the one-hot label) and mean cross-entropy of a
 * classifier over held-out batches, in inference mode (BatchNormalization uses its moving
 * statistics). Sums stay on the device; one read at the end.
 *
 * @param model the classifier.
 * @param batches `{ xs, ys }` pairs, ys one-hot; a `tf.data.Dataset` of them works too. Tensors
 *   stay the caller's (a dataset's elements are disposed here).
 * @param kind what the model outputs; default: read from its last layer ({@link classifierOutput}).
 * @returns `{ accuracy, loss }`.
 * @throws SolverError kind `argument` when there are no samples.
 */
export async function classifierMetrics(
  model: tf.LayersModel,
  batches: Iterable<{ xs: tf.Tensor; ys: tf.Tensor }> | tf.data.Dataset<tf.TensorContainer>,
  kind: ClassifierOutput = classifierOutput(model),
): Promise<{ accuracy: number; loss: number }> {
  let sums: tf.Tensor1D = tf.zeros([3]);
  const add = (xs: tf.Tensor, ys: tf.Tensor): void => {
    const next: tf.Tensor1D = tf.tidy(() => tf.add(sums, batchSums(model, xs, ys, kind)));
    sums.dispose();
    sums = next;
  };
  if (batches instanceof tf.data.Dataset) {
    await batches.forEachAsync((element: tf.TensorContainer) => {
      const { xs, ys } = element as { xs: tf.Tensor; ys: tf.Tensor };
      add(xs, ys);
      tf.dispose(element);
    });
  } else {
    for (const { xs, ys } of batches) add(xs, ys);
  }
  const [correct = 0, loss = 0, count = 0] = await sums.data();
  sums.dispose();
  if (count === 0) throw new SolverError('argument', 'classifierMetrics: the held-out data has no samples');
  return { accuracy: correct / count, loss: loss / count };
}

/** Something whose weights can be exchanged with averaged ones and back (`WeightEma`). */
export interface SwappableWeights {
  swap(): void;
}

/** Options of {@link EvalHook}. */
export interface EvalHookOptions {
  /** Evaluate every this many iterations (and after the last one); 0: only after the last one. */
  readonly period: number;
  /** Runs the evaluation and resolves to its numbers (named without the prefix). */
  readonly evaluate: () => Promise<EvalResults>;
  /** Evaluate with these averaged weights swapped into the model (and swapped back after). */
  readonly ema?: SwappableWeights;
  /** Also append the results as one line to `dir/metrics.json`. */
  readonly files?: FileStore;
  readonly dir?: string;
  /** Prefix of the metric names in the event storage and metrics.json. Default `eval/`. */
  readonly prefix?: string;
}

/** One evaluation: when, and what it gave (names with the prefix). */
export interface EvalRecord {
  /** The last iteration trained before it (0-based). */
  readonly iteration: number;
  readonly results: EvalResults;
}

/**
 * Evaluates the model on held-out data every `period` iterations and after the last one
 * (detectron2's `EvalHook`): the numbers go into the event storage (`eval/accuracy`, …), into
 * `metrics.json` as a line of their own (`{"iteration": 499, "eval/accuracy": 0.97, …}`), and
 * into {@link EvalHook.history}.
 *
 * Why the EMA swap: averaged weights are the ones worth scoring; the hook swaps them in, evaluates,
 * and swaps the trained weights back before the next step, even when the evaluation throws.
 * Register it after the weight EMA and the checkpointer (so a failing evaluation still leaves the
 * checkpoint of that iteration on disk, as detectron2 orders them).
 *
 * @example
 * ```ts
 * solver.hooks.add(new EvalHook({ period: 500, evaluate: () => classifierMetrics(model, [heldOut]), ema }));
 * ```
 */
export class EvalHook implements Hook {
  private readonly records: EvalRecord[] = [];
  private readonly prefix: string;

  /** @throws SolverError kind `argument` when period is not an integer >= 0, or `files` comes without `dir`. */
  public constructor(private readonly options: EvalHookOptions) {
    if (!Number.isInteger(options.period) || options.period < 0) {
      throw new SolverError('argument', `period (TRAIN.EVAL_PERIOD): got ${options.period}, expected an integer >= 0`);
    }
    if (options.files !== undefined && options.dir === undefined) {
      throw new SolverError('argument', 'EvalHook: files given without dir, expected both to write metrics.json');
    }
    this.prefix = options.prefix ?? 'eval/';
  }

  /** Every evaluation of this hook so far, oldest first. */
  public get history(): readonly EvalRecord[] {
    return [...this.records];
  }

  /** The newest evaluation, or undefined before the first. */
  public get latest(): EvalRecord | undefined {
    return this.records[this.records.length - 1];
  }

  /** Evaluates when step `i` ends a period (not at the last step: `afterTrain` does that one). */
  public async afterStep(ctx: HookContext): Promise<void> {
    const done: number = ctx.iteration + 1;
    if (this.options.period > 0 && done % this.options.period === 0 && done < ctx.maxIter) await this.run(ctx, ctx.iteration);
  }

  /** Evaluates once more when training reached `maxIter` (not after a failure or an interrupt). */
  public async afterTrain(ctx: HookContext): Promise<void> {
    if (ctx.iteration >= ctx.maxIter) await this.run(ctx, ctx.maxIter - 1);
  }

  /**
   * Evaluates now (with the EMA swapped in when given) and records the result as of `iteration`.
   * @returns the results, names prefixed.
   */
  public async run(ctx: Pick<HookContext, 'storage'>, iteration: number): Promise<EvalResults> {
    const raw: EvalResults = await this.evaluateSwapped();
    const results: Record<string, number> = {};
    for (const [name, value] of Object.entries(raw)) {
      results[`${this.prefix}${name}`] = value;
      if (Number.isFinite(value)) ctx.storage.put(`${this.prefix}${name}`, value);
    }
    this.records.push({ iteration, results });
    const { files, dir } = this.options;
    if (files !== undefined && dir !== undefined) {
      await files.makeDir(dir);
      await files.append(`${dir}/metrics.json`, `${JSON.stringify({ iteration, ...finiteOnly(results) })}\n`);
    }
    return results;
  }

  private async evaluateSwapped(): Promise<EvalResults> {
    const ema: SwappableWeights | undefined = this.options.ema;
    ema?.swap();
    try {
      return await this.options.evaluate();
    } finally {
      ema?.swap();
    }
  }
}

/** JSON has no NaN or Infinity: such a value is left out of the line (it stays in the history). */
function finiteOnly(results: EvalResults): EvalResults {
  return Object.fromEntries(Object.entries(results).filter(([, value]) => Number.isFinite(value)));
}

/** Whether a larger (`max`) or smaller (`min`) value of the metric is better. */
export type MetricMode = 'max' | 'min';

/** Writes a named checkpoint of the current state (the `Checkpointer` fits). */
export interface CheckpointSaver {
  save(name: string, iteration: number): Promise<void>;
}

/**
 * Keeps the checkpoint of the best evaluation so far, by a named metric (detectron2's
 * `BestCheckpointer`): after each new result of its {@link EvalHook} that beats the best one of
 * this run (strictly), it saves `model_best.ckpt` (name configurable). Register it right after the
 * EvalHook.
 *
 * @example
 * ```ts
 * const evalHook = new EvalHook({ period: 500, evaluate });
 * solver.hooks.add(evalHook);
 * solver.hooks.add(new BestCheckpointer(solver.checkpointer, evalHook, 'eval/accuracy', 'max'));
 * ```
 */
export class BestCheckpointer implements Hook {
  private seen: number = 0;
  private bestRecord: { readonly iteration: number; readonly value: number } | undefined;

  /**
   * @param checkpointer writes the checkpoint.
   * @param source the EvalHook whose results it watches.
   * @param metric the metric's name as the EvalHook records it, e.g. `eval/accuracy`.
   * @param mode `max` (default) or `min`.
   * @param name the checkpoint's file name. Default `model_best.ckpt`.
   */
  public constructor(
    private readonly checkpointer: CheckpointSaver,
    private readonly source: Pick<EvalHook, 'history'>,
    private readonly metric: string,
    private readonly mode: MetricMode = 'max',
    private readonly name: string = 'model_best.ckpt',
  ) {}

  /** The best value so far and the iteration it was evaluated after; undefined before the first. */
  public get best(): { readonly iteration: number; readonly value: number } | undefined {
    return this.bestRecord;
  }

  /** Looks at new evaluations after each step. */
  public async afterStep(): Promise<void> {
    await this.consider();
  }

  /** Looks at the final evaluation. */
  public async afterTrain(): Promise<void> {
    await this.consider();
  }

  private async consider(): Promise<void> {
    const history: readonly EvalRecord[] = this.source.history;
    for (const record of history.slice(this.seen)) {
      const value: number | undefined = record.results[this.metric];
      if (value === undefined) {
        throw new SolverError(
          'argument',
          `BestCheckpointer metric: got ${JSON.stringify(this.metric)}, expected one of ${Object.keys(record.results).join(', ')}`,
        );
      }
      const better: boolean =
        Number.isFinite(value) &&
        (this.bestRecord === undefined || (this.mode === 'max' ? value > this.bestRecord.value : value < this.bestRecord.value));
      if (better) {
        await this.checkpointer.save(this.name, record.iteration + 1);
        this.bestRecord = { iteration: record.iteration, value };
      }
    }
    this.seen = history.length;
  }
}
