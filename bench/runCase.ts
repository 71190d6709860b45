import * as tf from '@tensorflow/tfjs';
import type { BenchCase, CaseResult } from './BenchCase.js';
import type { ParamSet } from './ParamSpec.js';
import { installSyncCounter } from './syncCounter.js';

/** How many untimed and timed steps a case runs. */
export interface StepPlan {
  readonly warmup: number;
  readonly steps: number;
}

/** Fresh variables for a set, each the only holder of its buffer (as a model's weights are). */
function makeVariables(set: ParamSet): tf.Variable[] {
  return set.params.map(([, shape], i) =>
    tf.tidy(() => tf.variable(tf.randomUniform([...shape], -0.5, 0.5, 'float32', i + 1), true, `bench/p${i}`)),
  );
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/**
 * Runs one case: fresh variables, `plan.warmup` untimed steps (slots get created there), then
 * `plan.steps` timed steps with device reads counted; tensors counted after warm-up and at the end.
 */
export function runCase(bench: BenchCase, set: ParamSet, grads: tf.NamedTensorMap, plan: StepPlan): CaseResult {
  const variables = makeVariables(set);
  const prepared = bench.prepare({ set, variables, grads });
  for (let i = 0; i < plan.warmup; i++) prepared.step();
  const tensorsBefore = tf.memory().numTensors;
  const counter = installSyncCounter();
  const times: number[] = [];
  try {
    for (let i = 0; i < plan.steps; i++) {
      const start = performance.now();
      prepared.step();
      times.push(performance.now() - start);
    }
  } finally {
    counter.uninstall();
  }
  const tensorsAfter = tf.memory().numTensors;
  prepared.dispose();
  tf.dispose(variables);
  times.sort((a, b) => a - b);
  return {
    key: bench.key,
    name: bench.name,
    steps: plan.steps,
    medianMs: median(times),
    minMs: times[0] ?? NaN,
    maxMs: times[times.length - 1] ?? NaN,
    syncsPerStep: counter.count() / Math.max(1, plan.steps),
    tensorsBefore,
    tensorsAfter,
  };
}

/** Fixed gradients in [-0.01, 0.01) for a set, keyed by the variables' names. */
export function makeGrads(set: ParamSet): tf.NamedTensorMap {
  return Object.fromEntries(
    set.params.map(([, shape], i) => [`bench/p${i}`, tf.randomUniform([...shape], -0.01, 0.01, 'float32', 1000 + i)]),
  );
}
