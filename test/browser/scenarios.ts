import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../src/errors.js';
import { SolverOptimizer, type SolverOptimizerOptions } from '../../src/optim/SolverOptimizer.js';

/**
 * The training scenarios of the browser test, run both in Node (cpu backend, the reference) and in
 * headless Chromium on each backend. Plain data in, plain JSON out, nothing Node-only.
 */

/** Deterministic values in [-1, 1) (a 32-bit LCG), so every run and backend sees the same numbers. */
export function lcg(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** The update rules compared element for element against the cpu run. */
export const RULES: Record<string, Omit<SolverOptimizerOptions, 'groups'>> = {
  sgd: { algorithm: 'SGD' },
  sgdMomentum: { algorithm: 'SGD', momentum: 0.9, weightDecay: 1e-3 },
  sgdNesterov: { algorithm: 'SGD', momentum: 0.9, nesterov: true, weightDecay: 1e-3 },
  adam: { algorithm: 'Adam', weightDecay: 1e-3 },
  adamw: { algorithm: 'AdamW', betas: [0.9, 0.999], weightDecay: 0.05 },
  lion: { algorithm: 'Lion', weightDecay: 0.1 },
  adamNoGuard: { algorithm: 'Adam', weightDecay: 1e-3, nonFinite: 'none' },
  adamwNoGuard: { algorithm: 'AdamW', weightDecay: 0.05, nonFinite: 'none' },
  // Step 10's gradient holds a NaN (skipped): the later steps' bias corrections use the step
  // counts less the skipped step, which a GPU learns on the device (the host has not read it).
  adamSkip: { algorithm: 'Adam', weightDecay: 1e-3 },
  // As adamSkip, and step 20 has no gradient for `b`: the counts differ per parameter from then
  // on, so a GPU falls back to the plain ops, which count on the device.
  adamwPartial: { algorithm: 'AdamW', weightDecay: 0.05 },
  // As adamwPartial, then the counts are read back at step 25 (fused again, the two parameters'
  // step numbers now differ) and step 30 is skipped: the fused update takes each parameter's
  // corrections as uniforms and, for the unseen skipped step, from the device's count.
  adamwUneven: { algorithm: 'AdamW', weightDecay: 0.05 },
  // No clipping and no guard (rules named `…Free`): the updates read no control tensor at all.
  sgdFree: { algorithm: 'SGD', momentum: 0.9, nonFinite: 'none' },
  adamwFree: { algorithm: 'AdamW', weightDecay: 0.05, nonFinite: 'none' },
  lionFree: { algorithm: 'Lion', weightDecay: 0.1, nonFinite: 'none' },
  // Clippers other than `full_model` (rules named `…Value`, `…Norm`): the clipper runs as tfjs ops
  // and its scale and flag reach the updates stacked in one control tensor.
  sgdValue: { algorithm: 'SGD', momentum: 0.9, weightDecay: 1e-3 },
  adamwNorm: { algorithm: 'AdamW', weightDecay: 0.05 },
};

/** The clipping of a scenario: none for the `…Free` rules, `value` or per-tensor `norm` by name, else `full_model` at `clipValue`. */
function clipOf(rule: string, clipValue: number): Pick<SolverOptimizerOptions, 'clip'> {
  if (rule.endsWith('Free')) return {};
  if (rule.endsWith('Value')) return { clip: { clipType: 'value', clipValue: clipValue / 4 } };
  if (rule.endsWith('Norm')) return { clip: { clipType: 'norm', clipValue, normType: 2 } };
  return { clip: { clipType: 'full_model', clipValue, normType: 2 } };
}

/** The plain-ops implementation (what GPU backends ran before the fused kernels). */
export const PLAIN: Pick<SolverOptimizerOptions, 'fused'> = { fused: false };

/** A trainable variable holding `values` (its initial tensor released, so nothing is left behind). */
export function variableOf(values: Float32Array, shape: number[], name: string, scale = 1): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values, shape).mul(scale), true, name));
}

let serial = 0;
const unique = (tag: string): string => `${tag}${String((serial += 1))}`;

/** Parameters after 60 steps with fixed gradients (two groups, full_model clipping active), per rule. */
export async function fixedGradientRun(
  rule: string,
  plain: boolean,
  steps = 60,
): Promise<{ w: number[]; b: number[]; kernels: string[]; growth: number }> {
  const options = RULES[rule];
  if (options === undefined) throw new Error(`unknown rule ${rule}`);
  const before = tf.memory().numTensors;
  const tag = unique(`fixed_${rule}`);
  const w = variableOf(lcg(48 * 20, 1), [48, 20], `${tag}/w`);
  const b = variableOf(lcg(21, 2), [21], `${tag}/b`);
  const gw = tf.tensor2d(lcg(48 * 20, 3), [48, 20]);
  const gb = tf.tensor1d(lcg(21, 4));
  const lr = options.algorithm === 'SGD' ? 0.05 : 0.01;
  const optimizer = new SolverOptimizer({
    ...options,
    ...(plain ? PLAIN : {}),
    groups: [
      { params: [w], lr },
      { params: [b], lr: lr / 2, weightDecay: 0 },
    ],
    // The gradients' norm is about 18: the clip coefficient (about 1/9) applies on every step.
    ...clipOf(rule, 2),
  });
  const nan = tf.tensor1d(Float32Array.from(lcg(21, 4), (x, i) => (i === 5 ? NaN : x)));
  const uneven = rule.endsWith('Uneven');
  const skips = rule.endsWith('Skip') || rule.endsWith('Partial') || uneven;
  for (let i = 0; i < steps - 1; i++) {
    if (uneven && i === 25) await optimizer.syncStepCounts();
    if ((skips && i === 10) || (uneven && i === 30)) optimizer.applyGradients({ [w.name]: gw, [b.name]: nan });
    else if ((rule.endsWith('Partial') || uneven) && i === 20) optimizer.applyGradients({ [w.name]: gw });
    else optimizer.applyGradients({ [w.name]: gw, [b.name]: gb });
  }
  const profile = await tf.profile(() => {
    optimizer.applyGradients({ [w.name]: gw, [b.name]: gb });
  });
  const out = { w: Array.from(await w.data()), b: Array.from(await b.data()), kernels: profile.kernelNames };
  optimizer.dispose();
  tf.dispose([w, b, gw, gb, nan]);
  return { ...out, growth: tf.memory().numTensors - before };
}

/** A small MLP as raw variables: 8 → 16 (relu) → 4, with its data. */
function mlp(tag: string): { vars: tf.Variable[]; loss: () => tf.Scalar; dispose: () => void } {
  const w1 = variableOf(lcg(8 * 16, 11), [8, 16], `${tag}/w1`, 0.5);
  const b1 = variableOf(new Float32Array(16), [16], `${tag}/b1`);
  const w2 = variableOf(lcg(16 * 4, 12), [16, 4], `${tag}/w2`, 0.5);
  const b2 = variableOf(new Float32Array(4), [4], `${tag}/b2`);
  const xs = tf.tensor2d(lcg(32 * 8, 13), [32, 8]);
  const ys = tf.tensor2d(lcg(32 * 4, 14), [32, 4]);
  const vars = [w1, b1, w2, b2];
  return {
    vars,
    loss: () => tf.losses.meanSquaredError(ys, tf.relu(xs.matMul(w1).add(b1)).matMul(w2).add(b2)),
    dispose: () => {
      tf.dispose([...vars, xs, ys]);
    },
  };
}

/** Per-step losses of `steps` minimize steps, and the tensor count after each. */
export async function trainRun(rule: string, steps = 8): Promise<{ losses: number[]; tensors: number[]; growth: number }> {
  const options = RULES[rule];
  if (options === undefined) throw new Error(`unknown rule ${rule}`);
  const before = tf.memory().numTensors;
  const net = mlp(unique(`train_${rule}`));
  const optimizer = new SolverOptimizer({
    ...options,
    lr: options.algorithm === 'SGD' ? 0.1 : 0.01,
    groups: [{ params: net.vars }],
    ...clipOf(rule, 1),
  });
  const losses: number[] = [];
  const tensors: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = optimizer.minimize(net.loss, true, net.vars) as tf.Scalar;
    losses.push((await loss.data())[0] as number);
    loss.dispose();
    tensors.push(tf.memory().numTensors);
  }
  optimizer.dispose();
  net.dispose();
  return { losses, tensors, growth: tf.memory().numTensors - before };
}

/** What the non-finite policies did with a NaN gradient between two finite steps. */
export interface NonFiniteResult {
  /** skip: parameters and momentum after the NaN step equal those before it, bit for bit. */
  readonly skipKeptState: boolean;
  readonly skipSkipped: number;
  readonly skipTotal: number;
  /** skip: the finite step after the NaN step changed the parameters. */
  readonly skipResumed: boolean;
  /** error: the finite step threw nothing. */
  readonly errorFiniteOk: string;
  /** error: the NaN step's SolverError kind and message ('' when nothing was thrown). */
  readonly errorKind: string;
  readonly errorMessage: string;
  readonly errorKeptState: boolean;
  readonly tensorsBefore: number;
  readonly tensorsAfter: number;
}

/** A NaN gradient between finite steps under `skip`, then under `error` (raised by settle()). */
export async function nonFiniteRun(): Promise<NonFiniteResult> {
  const tensorsBefore = tf.memory().numTensors;
  const tag = unique('nonfinite');
  const w = variableOf(lcg(6, 21), [6], `${tag}/w`);
  const good = tf.tensor1d(lcg(6, 22));
  const bad = tf.tensor1d([1, NaN, 2, 3, 4, 5]);
  const skip = new SolverOptimizer({ groups: [{ params: [w], lr: 0.1 }], momentum: 0.9, clip: { clipType: 'full_model', clipValue: 1 } });
  skip.applyGradients({ [w.name]: good });
  const before = Array.from(await w.data());
  skip.applyGradients({ [w.name]: bad });
  const after = Array.from(await w.data());
  const stats = skip.lastStepStats();
  const skipSkipped = stats === null ? -1 : ((await stats.skipped.data())[0] as number);
  const skipTotal = stats === null ? -1 : ((await stats.skippedTotal.data())[0] as number);
  skip.applyGradients({ [w.name]: good });
  const resumed = Array.from(await w.data());
  skip.dispose();

  const strict = new SolverOptimizer({ groups: [{ params: [w], lr: 0.1 }], nonFinite: 'error' });
  let errorFiniteOk = 'ok';
  try {
    strict.applyGradients({ [w.name]: good });
    await strict.settle();
  } catch (e) {
    errorFiniteOk = String(e);
  }
  const beforeError = Array.from(await w.data());
  let errorKind = '';
  let errorMessage = '';
  try {
    // The step is skipped on the device; settle() reads the flag and raises the error.
    strict.applyGradients({ [w.name]: bad });
    await strict.settle();
  } catch (e) {
    errorKind = e instanceof SolverError ? e.kind : 'not a SolverError';
    errorMessage = (e as Error).message;
  }
  const afterError = Array.from(await w.data());
  strict.dispose();
  tf.dispose([w, good, bad]);
  return {
    skipKeptState: sameBits(before, after),
    skipSkipped,
    skipTotal,
    skipResumed: !sameBits(after, resumed),
    errorFiniteOk,
    errorKind,
    errorMessage,
    errorKeptState: sameBits(beforeError, afterError),
    tensorsBefore,
    tensorsAfter: tf.memory().numTensors,
  };
}

function sameBits(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

/**
 * Shapes the norm kernel must read right: packed layouts differ by rank and by dimensions of size 1.
 * Ten tensors: more than one reduction program takes (8 on webgl, 7 on webgpu), so the second level
 * and the per-tensor concatenation run too.
 */
export const NORM_SHAPES: readonly number[][] = [
  [37, 1],
  [1, 29],
  [3, 1, 5],
  [2, 3, 4, 5],
  [7],
  [],
  [130, 9],
  [3000],
  [5, 5],
  [2, 2, 2, 1],
];

/** fusedGradNorms of gradients of {@link NORM_SHAPES} for p = 1, 2, 3, ∞, global and per tensor, from three producers. */
export async function normRun(): Promise<Record<string, number[]>> {
  const { fusedGradNorms } = await import('../../src/optim/kernels/gradNorms.js');
  const { fusedKernelsReady } = await import('../../src/optim/kernels/registry.js');
  fusedKernelsReady(tf.getBackend());
  const before = tf.memory().numTensors;
  const raw = NORM_SHAPES.map((s, i) =>
    tf.tensor(
      lcg(
        s.reduce((a, b) => a * b, 1),
        60 + i,
      ),
      s,
    ),
  );
  const producers: Record<string, tf.Tensor[]> = { raw, mul: raw.map((t) => t.mul(3)), neg: raw.map((t) => tf.neg(t)) };
  const out: Record<string, number[]> = {};
  for (const [name, grads] of Object.entries(producers)) {
    for (const p of [1, 2, 3, Infinity]) {
      const global = fusedGradNorms(grads, p);
      const each = fusedGradNorms(grads, p, false);
      out[`${name} p=${p}`] = [...(await global.data()), ...(await each.data())];
      tf.dispose([global, each]);
    }
  }
  tf.dispose(Object.values(producers).flat());
  out.growth = [tf.memory().numTensors - before];
  return out;
}
