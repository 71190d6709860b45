import * as tf from '@tensorflow/tfjs';
import { SolverOptimizer } from '../../src/optim/SolverOptimizer.js';
import { lcg, PLAIN, variableOf } from './scenarios.js';

/**
 * Kernels and time of one optimizer step on the active backend, side by side on the same model and
 * gradients: `tf.train.momentum`, SolverOptimizer on the plain-ops path (SGD), and on the fused
 * path for every rule (SGD with momentum 0.9, Adam, AdamW, Lion), each with `full_model` clipping
 * and the default non-finite policy (skip).
 */

/** One optimizer's figures. */
export interface StepFigures {
  /** Kernels the tfjs engine ran in one applyGradients (tf.profile). */
  readonly engineKernels: number;
  /** Shader programs the backend ran in one applyGradients (runWebGLProgram / runWebGPUProgram calls), -1 on other backends. */
  readonly gpuPrograms: number;
  /** The programs of one applyGradients by kind, e.g. `{ PackProgram: 2, tfjsSolver: 14 }`. */
  readonly programKinds: Record<string, number>;
  /** Milliseconds per applyGradients over `steps` steps, device work included (one read at the end). */
  readonly msPerStep: number;
  /** Tensors after all timed steps minus before them (the three optimizers together). */
  readonly tensorGrowth: number;
}

/** The optimizers measured: tfjs's momentum, ours on plain ops (SGD), ours fused per rule. */
export const MEASURED = ['momentum', 'plain', 'sgd', 'adam', 'adamw', 'lion'] as const;
/** One of {@link MEASURED}. */
export type Measured = (typeof MEASURED)[number];

/**
 * Extra comparisons (the report's, not the browser test's): tfjs's own Adam, and Adam followed by
 * AdamW's decoupled decay as tfjs ops (Adam's and AdamW's like-for-like references), and each
 * fused rule in the default configuration (no clipping, non-finite policy `skip`).
 */
export const EXTRA = ['tfAdam', 'tfAdamDecay', 'sgdNoClip', 'adamNoClip', 'adamwNoClip', 'lionNoClip'] as const;
/** One of {@link EXTRA}. */
export type Extra = (typeof EXTRA)[number];

/** What an optimizer compared here needs. */
type Stepper = Pick<tf.Optimizer, 'applyGradients' | 'dispose'>;

export interface MeasureResult {
  readonly backend: string;
  readonly variables: number;
  readonly figures: Record<Measured, StepFigures> & Partial<Record<Extra, StepFigures>>;
}

/**
 * Counts the shader programs the backend runs while `f` runs (-1 when it has none): every draw
 * (webgl: the GPGPU context's `executeProgram`) or dispatch (webgpu: `dispatchWorkgroups` of any
 * compute pass), so programs the fused kernels record themselves count too. `kinds` splits them
 * by the runner's program class; programs not run through the backend's runner (the fused
 * updates writing several outputs) count as `tfjsSolverMulti`.
 */
export function countPrograms(f: () => void, kinds: Record<string, number> = {}): number {
  const backend = tf.backend() as unknown as Record<string, unknown>;
  const name =
    typeof backend.runWebGLProgram === 'function'
      ? 'runWebGLProgram'
      : typeof backend.runWebGPUProgram === 'function'
        ? 'runWebGPUProgram'
        : null;
  if (name === null) {
    f();
    return -1;
  }
  let draws = 0;
  let runs = 0;
  const restore: (() => void)[] = [];
  const wrap = (owner: Record<string, unknown>, method: string, count: () => void): void => {
    const original = owner[method] as (...args: unknown[]) => unknown;
    owner[method] = function (this: unknown, ...args: unknown[]): unknown {
      count();
      return original.apply(this, args);
    };
    restore.push(() => {
      owner[method] = original;
    });
  };
  const runner = backend[name] as (...args: unknown[]) => unknown;
  backend[name] = function (this: unknown, ...args: unknown[]): unknown {
    runs += 1;
    const program = args[0] as { constructor: { name: string } };
    const kind = program.constructor.name === 'Object' ? 'tfjsSolver' : program.constructor.name;
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    return runner.apply(this, args);
  };
  restore.push(() => {
    backend[name] = runner;
  });
  if (name === 'runWebGLProgram') {
    wrap(backend.gpgpu as Record<string, unknown>, 'executeProgram', () => {
      draws += 1;
    });
  } else {
    const pass = (globalThis as unknown as { GPUComputePassEncoder: { prototype: Record<string, unknown> } }).GPUComputePassEncoder;
    wrap(pass.prototype, 'dispatchWorkgroups', () => {
      draws += 1;
    });
  }
  try {
    f();
  } finally {
    restore.reverse().forEach((r) => {
      r();
    });
  }
  if (draws > runs) kinds.tfjsSolverMulti = draws - runs;
  return draws;
}

type Counts = Omit<StepFigures, 'msPerStep' | 'tensorGrowth'>;

async function counts(optimizer: Stepper, grads: tf.NamedTensorMap, probe: tf.Variable): Promise<Counts> {
  for (let i = 0; i < 3; i++) optimizer.applyGradients(grads);
  await probe.data();
  const profile = await tf.profile(() => {
    optimizer.applyGradients(grads);
  });
  const programKinds: Record<string, number> = {};
  const gpuPrograms = countPrograms(() => {
    optimizer.applyGradients(grads);
  }, programKinds);
  await probe.data();
  return { engineKernels: profile.kernels.length, gpuPrograms, programKinds };
}

/** Milliseconds per step over `steps` steps, device work included (one read at the end). */
async function timeSteps(optimizer: Stepper, grads: tf.NamedTensorMap, probe: tf.Variable, steps: number): Promise<number> {
  await probe.data();
  const start = performance.now();
  for (let i = 0; i < steps; i++) optimizer.applyGradients(grads);
  await probe.data();
  return (performance.now() - start) / steps;
}

/** The median (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The MLP of the measurement (784 → 128 → 64 → 10): its variables, one batch's gradients and the optimizers compared. */
export interface MeasureModel {
  readonly vars: tf.Variable[];
  readonly grads: tf.NamedTensorMap;
  readonly probe: tf.Variable;
  readonly optimizers: Record<Measured, Stepper> & Partial<Record<Extra, Stepper>>;
  readonly dispose: () => void;
}

/** `tf.train.adam` followed by AdamW's decoupled decay `p ← p·(1 − lr·λ)` as tfjs ops. */
function adamWithDecay(vars: readonly tf.Variable[], lr: number, weightDecay: number): Stepper {
  const adam = tf.train.adam(lr);
  return {
    applyGradients: (grads) => {
      adam.applyGradients(grads as Parameters<typeof adam.applyGradients>[0]);
      tf.tidy(() => {
        vars.forEach((v) => {
          v.assign(tf.mul(v, 1 - lr * weightDecay));
        });
      });
    },
    dispose: () => {
      adam.dispose();
    },
  };
}

/** Builds {@link MeasureModel} on the active backend; with `extra`, the optimizers of {@link EXTRA} too. */
export function measureModel(extra = false): MeasureModel {
  const shapes: [number[], number[]][] = [
    [[784, 128], [128]],
    [[128, 64], [64]],
    [[64, 10], [10]],
  ];
  const size = (shape: number[]): number => shape.reduce((x, y) => x * y, 1);
  const vars = shapes.flatMap(([k, b], i) => [
    variableOf(lcg(size(k), 31 + i), k, `measure/w${i}`, 0.05),
    variableOf(new Float32Array(size(b)), b, `measure/b${i}`),
  ]);
  const grads: tf.NamedTensorMap = tf.tidy(() =>
    Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(lcg(v.size, 41 + i), v.shape).mul(0.1)])),
  );
  const probe = vars[0] as tf.Variable;
  const clip = { clipType: 'full_model', clipValue: 1, nonFinite: 'skip' } as const;
  const groups = [{ params: vars }];
  const rules = (c: { clip?: typeof clip }): Record<'sgd' | 'adam' | 'adamw' | 'lion', Stepper> => ({
    sgd: new SolverOptimizer({ groups, lr: 0.01, momentum: 0.9, ...c }),
    adam: new SolverOptimizer({ groups, algorithm: 'Adam', lr: 1e-3, ...c }),
    adamw: new SolverOptimizer({ groups, algorithm: 'AdamW', lr: 1e-3, weightDecay: 0.01, ...c }),
    lion: new SolverOptimizer({ groups, algorithm: 'Lion', lr: 1e-4, weightDecay: 0.01, ...c }),
  });
  const optimizers: Record<Measured, Stepper> & Partial<Record<Extra, Stepper>> = {
    momentum: tf.train.momentum(0.01, 0.9),
    plain: new SolverOptimizer({ groups, lr: 0.01, momentum: 0.9, clip, ...PLAIN }),
    ...rules({ clip }),
  };
  if (extra) {
    const noClip = rules({});
    Object.assign(optimizers, {
      tfAdam: tf.train.adam(1e-3),
      tfAdamDecay: adamWithDecay(vars, 1e-3, 0.01),
      sgdNoClip: noClip.sgd,
      adamNoClip: noClip.adam,
      adamwNoClip: noClip.adamw,
      lionNoClip: noClip.lion,
    });
  }
  const dispose = (): void => {
    Object.values(optimizers).forEach((o) => {
      o.dispose();
    });
    tf.dispose([...vars, ...Object.values(grads)]);
  };
  return { vars, grads, probe, optimizers, dispose };
}

/** Kernels, programs and time per step of every optimizer of {@link measureModel}, side by side. */
export async function measureStep(steps = 10, rounds = 5, extra = false): Promise<MeasureResult> {
  const { vars, grads, probe, optimizers, dispose } = measureModel(extra);
  const names: (Measured | Extra)[] = [...MEASURED, ...(extra ? EXTRA : [])];
  const optimizer = (name: Measured | Extra): Stepper => optimizers[name] as Stepper;
  const counted = {} as Record<Measured | Extra, Counts>;
  for (const name of names) counted[name] = await counts(optimizer(name), grads, probe);
  // Interleaved rounds (the order rotates), the median per optimizer: the machine's load moves.
  const times = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Measured | Extra, number[]>;
  const before = tf.memory().numTensors;
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length] as Measured | Extra;
      times[name].push(await timeSteps(optimizer(name), grads, probe, steps));
    }
  }
  const growth = tf.memory().numTensors - before;
  const figures = Object.fromEntries(
    names.map((name) => [name, { ...counted[name], msPerStep: median(times[name]), tensorGrowth: growth }]),
  ) as MeasureResult['figures'];
  const variables = vars.length;
  dispose();
  return { backend: tf.getBackend(), variables, figures };
}
