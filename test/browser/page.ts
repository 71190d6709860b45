// The browser test's page: bundled with esbuild into page.js and driven by browser.spec.ts through
// playwright-core. Everything it does is exposed as `window.solverTest`.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { getDefaultOptimizerParams } from '../../src/optim/groups.js';
import { SolverOptimizer } from '../../src/optim/SolverOptimizer.js';
import { measureFit } from './fitMeasure.js';
import { countPrograms, MEASURED, measureModel, measureStep } from './measure.js';
import { benchPartials, profileStep, type StepProfile } from './profile.js';
import { gpuMultiOutput } from '../../src/optim/kernels/gpu.js';
import { webglPrograms } from '../../src/optim/kernels/webgl.js';
import { webgpuPrograms } from '../../src/optim/kernels/webgpu.js';
import { fixedGradientRun, lcg, nonFiniteRun, normRun, RULES, trainRun, variableOf } from './scenarios.js';

setWasmPaths('/wasm/');

const STORE = 'indexeddb://tfjs-solver-browser-test';

/** A 8 → 16 → 4 model with fixed weights; `prefix` keeps layer (and variable) names apart. */
function resumeModel(prefix: string): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 16, inputShape: [8], activation: 'relu', name: `${prefix}hidden` }),
      tf.layers.dense({ units: 4, name: `${prefix}out` }),
    ],
  });
  tf.tidy(() => {
    model.setWeights([
      tf.tensor2d(lcg(8 * 16, 51), [8, 16]).mul(0.5),
      tf.zeros([16]),
      tf.tensor2d(lcg(16 * 4, 52), [16, 4]).mul(0.5),
      tf.zeros([4]),
    ]);
  });
  return model;
}

function compileFor(model: tf.Sequential): void {
  const groups = getDefaultOptimizerParams(model, { baseLr: 0.05, weightDecayNorm: 0 });
  // 'norm' clipping: tfjs rewrites snake_case strings such as 'full_model' when it reloads an optimizer's config.
  const optimizer = new SolverOptimizer({ groups, momentum: 0.9, weightDecay: 1e-3, clip: { clipType: 'norm', clipValue: 1 } });
  model.compile({ optimizer, loss: 'meanSquaredError' });
}

const data = (): [tf.Tensor2D, tf.Tensor2D] => [tf.tensor2d(lcg(32 * 8, 53), [32, 8]), tf.tensor2d(lcg(32 * 4, 54), [32, 4])];

async function trainSteps(model: tf.LayersModel, steps: number): Promise<number[]> {
  const [xs, ys] = data();
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push((await model.trainOnBatch(xs, ys)) as number);
  tf.dispose([xs, ys]);
  return losses;
}

async function weightsOf(model: tf.LayersModel): Promise<number[][]> {
  return Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
}

/** Phase 1: the uninterrupted 6-step reference, then 3 steps of the same model saved to IndexedDB. */
async function resumeSave(): Promise<{ reference: number[]; referenceWeights: number[][]; before: number[] }> {
  const reference = resumeModel('ref');
  compileFor(reference);
  const referenceLosses = await trainSteps(reference, 6);
  const referenceWeights = await weightsOf(reference);
  const model = resumeModel('');
  compileFor(model);
  const before = await trainSteps(model, 3);
  await model.save(STORE, { includeOptimizer: true });
  return { reference: referenceLosses, referenceWeights, before };
}

/** Phase 2 (after a page reload): load from IndexedDB with its optimizer and train 3 more steps. */
async function resumeLoad(): Promise<{ after: number[]; weights: number[][]; optimizer: string }> {
  const model = await tf.loadLayersModel(STORE);
  const optimizer = model.optimizer.getClassName();
  const after = await trainSteps(model, 3);
  return { after, weights: await weightsOf(model), optimizer };
}

async function useBackend(name: string): Promise<string> {
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} could not be initialised`);
  await tf.ready();
  return tf.getBackend();
}

async function fixedAll(plain: boolean): Promise<Record<string, { w: number[]; b: number[]; kernels: string[] }>> {
  const out: Record<string, { w: number[]; b: number[]; kernels: string[] }> = {};
  for (const rule of Object.keys(RULES)) out[rule] = await fixedGradientRun(rule, plain);
  return out;
}

async function trainAll(): Promise<Record<string, { losses: number[]; tensors: number[] }>> {
  const out: Record<string, { losses: number[]; tensors: number[] }> = {};
  for (const rule of Object.keys(RULES)) out[rule] = await trainRun(rule);
  return out;
}

/**
 * SGD with momentum and AdamW on webgl with tfjs's packed textures turned off (`WEBGL_PACK`
 * false): gradients arrive unpacked, so the updates cannot write all outputs in one program.
 */
async function unpackedRuns(): Promise<Record<string, { w: number[]; b: number[]; kernels: string[]; growth: number }>> {
  const out: Record<string, { w: number[]; b: number[]; kernels: string[]; growth: number }> = {};
  tf.env().set('WEBGL_PACK', false);
  try {
    for (const rule of ['sgdMomentum', 'adamw']) out[rule] = await fixedGradientRun(rule, false);
  } finally {
    tf.env().set('WEBGL_PACK', true);
  }
  return out;
}

/**
 * SGD with momentum on one tensor of 4,194,305 values (not a multiple of 4: one value per
 * invocation), more than 65,535 workgroups of 64 hold, so the one-program update dispatches a
 * second row of workgroups. Two steps (the first may run while the new shader compiles); the
 * second step's programs by kind and the last values against float32 arithmetic done here.
 */
async function largeTensorRun(): Promise<{ kinds: Record<string, number>; got: number[]; want: number[]; growth: number }> {
  const before = tf.memory().numTensors;
  const n = 4_194_305;
  const p = lcg(n, 61);
  const g = lcg(n, 62);
  const w = variableOf(p, [n], 'large/w');
  const grad = tf.tensor1d(g);
  const optimizer = new SolverOptimizer({ groups: [{ params: [w] }], lr: 0.5, momentum: 0.9 });
  const kinds: Record<string, number> = {};
  let result: { kinds: Record<string, number>; got: number[]; want: number[] };
  try {
    optimizer.applyGradients({ [w.name]: grad });
    await w.data();
    countPrograms(() => {
      optimizer.applyGradients({ [w.name]: grad });
    }, kinds);
    const values = await w.data();
    const f = Math.fround;
    const at = [0, 4_194_239, 4_194_240, n - 2, n - 1];
    const want = at.map((i) => {
      const [p0, g0] = [p[i] as number, g[i] as number];
      const p1 = f(p0 - f(0.5 * g0));
      const b2 = f(f(f(0.9) * g0) + g0);
      return f(p1 - f(0.5 * b2));
    });
    result = { kinds, got: at.map((i) => values[i] as number), want };
  } finally {
    optimizer.dispose();
    tf.dispose([w, grad]);
  }
  return { ...result, growth: tf.memory().numTensors - before };
}

/** Everything the test checks on one backend, in one call. */
async function runAll(backend: string): Promise<object> {
  const active = await useBackend(backend);
  const fixed = await fixedAll(false);
  const plain = await fixedAll(true);
  // The fused updates again with one program per output (what runs where one program cannot write them all).
  gpuMultiOutput.enabled = false;
  const oneOutput = await fixedAll(false).finally(() => {
    gpuMultiOutput.enabled = true;
  });
  const packOff = active === 'webgl' ? await unpackedRuns() : null;
  const large = active === 'webgpu' ? await largeTensorRun() : null;
  const train = await trainAll();
  const nonFinite = await nonFiniteRun();
  const norms = await normRun();
  const measure = await measureStep(5, 3);
  return { active, fixed, plain, oneOutput, packOff, large, train, nonFinite, norms, measure };
}

/** Where each optimizer's step time goes on the active backend (see profile.ts); `only` limits the optimizers. */
async function profileAll(steps: number, rounds: number, only: readonly string[] = []): Promise<Record<string, StepProfile>> {
  const model = measureModel();
  const out: Record<string, StepProfile> = {};
  try {
    for (const name of MEASURED.filter((n) => n !== 'plain' && (only.length === 0 || only.includes(n)))) {
      const optimizer = model.optimizers[name];
      out[name] = await profileStep(
        () => {
          optimizer.applyGradients(model.grads);
        },
        model.probe,
        steps,
        rounds,
      );
    }
  } finally {
    model.dispose();
  }
  return out;
}

/** The global norm's first level, flat against one row per gradient, on the measurement's gradients. */
async function partialsBench(least = 64): Promise<Record<string, number>> {
  const model = measureModel();
  try {
    const gpu = (tf.getBackend() === 'webgl' ? webglPrograms : webgpuPrograms)(tf.backend());
    return await benchPartials(gpu, Object.values(model.grads), 20, 7, least);
  } finally {
    model.dispose();
  }
}

Object.assign(globalThis, {
  solverTest: {
    useBackend,
    runAll,
    normRun,
    fixedAll,
    trainAll,
    nonFiniteRun,
    measureStep,
    measureFit,
    profileAll,
    partialsBench,
    resumeSave,
    resumeLoad,
  },
});
