import * as tf from '@tensorflow/tfjs';
import { SolverOptimizer } from '../../src/optim/SolverOptimizer.js';
import { lcg, PLAIN } from './scenarios.js';

/**
 * Kernels and time of one optimizer step on the active backend, side by side on the same model and
 * gradients: `tf.train.momentum`, SolverOptimizer on the plain-ops path, SolverOptimizer on the
 * fused path. SGD, momentum 0.9, `full_model` clipping and the non-finite guard (skip) for ours.
 */

/** One optimizer's figures. */
export interface StepFigures {
  /** Kernels the tfjs engine ran in one applyGradients (tf.profile). */
  readonly engineKernels: number;
  /** Shader programs the backend ran in one applyGradients (runWebGLProgram / runWebGPUProgram calls), -1 on other backends. */
  readonly gpuPrograms: number;
  /** Milliseconds per applyGradients over `steps` steps, device work included (one read at the end). */
  readonly msPerStep: number;
  /** Tensors after the timed steps minus before them. */
  readonly tensorGrowth: number;
}

export interface MeasureResult {
  readonly backend: string;
  readonly variables: number;
  readonly momentum: StepFigures;
  readonly plain: StepFigures;
  readonly fused: StepFigures;
}

/** Counts calls of the backend's program runner while `f` runs (-1 when the backend has none). */
function countPrograms(f: () => void): number {
  const backend = tf.backend() as unknown as Record<string, unknown>;
  const name = typeof backend.runWebGLProgram === 'function' ? 'runWebGLProgram' : typeof backend.runWebGPUProgram === 'function' ? 'runWebGPUProgram' : null;
  if (name === null) {
    f();
    return -1;
  }
  const original = backend[name] as (...args: unknown[]) => unknown;
  let calls = 0;
  backend[name] = function (this: unknown, ...args: unknown[]): unknown {
    calls += 1;
    return original.apply(this, args);
  };
  try {
    f();
  } finally {
    backend[name] = original;
  }
  return calls;
}

async function figures(optimizer: tf.Optimizer, grads: tf.NamedTensorMap, probe: tf.Variable, steps: number): Promise<StepFigures> {
  for (let i = 0; i < 3; i++) optimizer.applyGradients(grads);
  await probe.data();
  const profile = await tf.profile(() => {
    optimizer.applyGradients(grads);
  });
  const gpuPrograms = countPrograms(() => {
    optimizer.applyGradients(grads);
  });
  await probe.data();
  const before = tf.memory().numTensors;
  const start = performance.now();
  for (let i = 0; i < steps; i++) optimizer.applyGradients(grads);
  await probe.data();
  const msPerStep = (performance.now() - start) / steps;
  return { engineKernels: profile.kernels.length, gpuPrograms, msPerStep, tensorGrowth: tf.memory().numTensors - before };
}

/** The MLP of the training example (784 → 128 → 64 → 10), its variables and one batch's gradients. */
export async function measureStep(steps = 20): Promise<MeasureResult> {
  const shapes: [number[], number[]][] = [
    [[784, 128], [128]],
    [[128, 64], [64]],
    [[64, 10], [10]],
  ];
  const vars = shapes.flatMap(([k, b], i) => [
    tf.variable(tf.tensor(lcg(k.reduce((x, y) => x * y), 31 + i), k).mul(0.05), true, `measure/w${i}`),
    tf.variable(tf.zeros(b), true, `measure/b${i}`),
  ]);
  const grads: tf.NamedTensorMap = Object.fromEntries(
    vars.map((v, i) => [v.name, tf.tensor(lcg(v.size, 41 + i), v.shape).mul(0.1)]),
  );
  const probe = vars[0] as tf.Variable;
  const clip = { clipType: 'full_model', clipValue: 1, nonFinite: 'skip' } as const;
  const run = async (optimizer: tf.Optimizer): Promise<StepFigures> => {
    const out = await figures(optimizer, grads, probe, steps);
    optimizer.dispose();
    return out;
  };
  const momentum = await run(tf.train.momentum(0.01, 0.9));
  const plain = await run(new SolverOptimizer({ groups: [{ params: vars }], lr: 0.01, momentum: 0.9, clip, ...PLAIN }));
  const fused = await run(new SolverOptimizer({ groups: [{ params: vars }], lr: 0.01, momentum: 0.9, clip }));
  tf.dispose([...vars, ...Object.values(grads)]);
  return { backend: tf.getBackend(), variables: vars.length, momentum, plain, fused };
}
