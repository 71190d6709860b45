import * as tf from '@tensorflow/tfjs';
import { SolverOptimizer } from '../../src/optim/SolverOptimizer.js';
import { median } from './measure.js';
import { lcg } from './scenarios.js';

/**
 * A whole `model.fit` step with each optimizer against `tf.train.momentum`, in one page on the active
 * backend (a measuring aid for the report, never asserted): the 784 → 128 → 64 → 10 MLP of the step
 * measurement as a tfjs-layers model, batches of 64, every SolverOptimizer rule with `full_model`
 * clipping and the `skip` policy. Time per step includes the forward and backward pass.
 */

/** The optimizers whose fit is timed. */
export const FIT_OPTIMIZERS = ['momentum', 'sgd', 'adam', 'adamw', 'lion'] as const;
/** One of {@link FIT_OPTIMIZERS}. */
export type FitOptimizer = (typeof FIT_OPTIMIZERS)[number];

function model(): tf.Sequential {
  const init = (seed: number): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 128, inputShape: [784], activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(3) }),
    ],
  });
}

function optimizerFor(name: FitOptimizer, m: tf.Sequential): tf.Optimizer {
  if (name === 'momentum') return tf.train.momentum(0.01, 0.9);
  // LayerVariable.read() is the layer's tf.Variable (tfjs-layers variables.ts).
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const groups = [{ params: m.trainableWeights.map((w) => w.read() as tf.Variable) }];
  const clip = { clipType: 'full_model', clipValue: 1, nonFinite: 'skip' } as const;
  const options = {
    sgd: { lr: 0.01, momentum: 0.9 },
    adam: { algorithm: 'Adam', lr: 1e-3 },
    adamw: { algorithm: 'AdamW', lr: 1e-3, weightDecay: 0.01 },
    lion: { algorithm: 'Lion', lr: 1e-4, weightDecay: 0.01 },
  } as const;
  return new SolverOptimizer({ groups, clip, ...options[name] });
}

/** Milliseconds per `model.fit` step (median of `rounds` interleaved fits of `steps` batches) per optimizer. */
export async function measureFit(steps = 20, rounds = 5): Promise<Record<FitOptimizer, number>> {
  const n = 64 * steps;
  const xs = tf.tensor2d(lcg(n * 784, 51), [n, 784]);
  const labels = Array.from(lcg(n, 52), (x) => Math.floor((x + 1) * 5) % 10);
  const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat();
  const runs = FIT_OPTIMIZERS.map((name) => {
    const m = model();
    const optimizer = optimizerFor(name, m);
    m.compile({ optimizer, loss: 'categoricalCrossentropy' });
    return { name, m, optimizer };
  });
  const fit = async (m: tf.Sequential, epochs = 1): Promise<void> => {
    await m.fit(xs, ys, { batchSize: 64, epochs, shuffle: false });
  };
  try {
    for (const r of runs) await fit(r.m);
    const times = Object.fromEntries(FIT_OPTIMIZERS.map((name) => [name, [] as number[]])) as Record<FitOptimizer, number[]>;
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < runs.length; k++) {
        const r = runs[(round + k) % runs.length] as (typeof runs)[number];
        const start = performance.now();
        await fit(r.m);
        times[r.name].push((performance.now() - start) / steps);
      }
    }
    return Object.fromEntries(FIT_OPTIMIZERS.map((name) => [name, median(times[name])])) as Record<FitOptimizer, number>;
  } finally {
    runs.forEach((r) => {
      r.m.dispose();
      r.optimizer.dispose();
    });
    tf.dispose([xs, ys]);
  }
}
