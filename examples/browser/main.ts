// The training page: trains the MNIST MLP of `configs/mnist_mlp.yaml` in the browser with
// tfjs-solver, draws live curves, keeps checkpoints in IndexedDB and resumes from them after a reload.
// Query parameters (all optional): backend (webgl | webgpu | wasm | cpu; default webgl), db (the
// IndexedDB database), and shorter runs for a quick look: iters, warmup, period (checkpoints),
// log (loss points), eval (held-out scoring).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import {
  type BackendName,
  createSolver,
  type Hook,
  type HookContext,
  indexedDbFileStore,
  layersModelLoss,
  loadConfigText,
  selectBackend,
  ShuffledBatches,
  type Solver,
  type SolverConfig,
  SolverError,
  solverContainer,
  TOKENS,
  type WeightEma,
} from 'tfjs-solver';
import { browser, type ButtonElement, type CanvasElement, type SelectElement, type TextElement } from './dom.js';
import { drawChart } from './plot.js';

const PIXELS = 784;
const BACKENDS: readonly BackendName[] = ['webgl', 'webgpu', 'wasm', 'cpu'];
const COLORS: readonly string[] = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

/** What the page shows, also readable by scripts and tests as `window.trainingPage`. */
interface PageState {
  ready: boolean;
  backend: string;
  databaseName: string;
  outputDir: string;
  maxIter: number;
  /** The iteration this page load started at: 0, or the resumed checkpoint's. */
  startIter: number;
  /** Steps completed so far. */
  iteration: number;
  running: boolean;
  /** The iteration the stop button's checkpoint recorded (null until stopped). */
  stoppedAt: number | null;
  /** [iteration, mean training loss since the previous point]. */
  losses: [number, number][];
  /** [iteration, held-out accuracy]. */
  accuracy: [number, number][];
  /** Per group: its label and [iteration, LR] of every step. */
  lrs: { name: string; points: [number, number][] }[];
  error: string | null;
}

function element(id: string): unknown {
  const found: unknown = browser.document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found;
}

const params = new URLSearchParams(browser.location.search);
const backendName: string = params.get('backend') ?? 'webgl';
const state: PageState = {
  ready: false,
  backend: backendName,
  databaseName: params.get('db') ?? 'tfjs-solver-mnist-page',
  outputDir: 'mnist_mlp',
  maxIter: 0,
  startIter: 0,
  iteration: 0,
  running: false,
  stoppedAt: null,
  losses: [],
  accuracy: [],
  lrs: [],
  error: null,
};
(globalThis as unknown as { trainingPage: PageState }).trainingPage = state;

const ui = {
  backend: element('backend') as SelectElement,
  start: element('start') as ButtonElement,
  stop: element('stop') as ButtonElement,
  reset: element('reset') as ButtonElement,
  status: element('status') as TextElement,
  loss: element('loss') as CanvasElement,
  accuracy: element('accuracy') as CanvasElement,
  lr: element('lr') as CanvasElement,
};

function show(message: string): void {
  ui.status.textContent = message;
}

function redraw(): void {
  drawChart(ui.loss, [{ name: 'loss', color: COLORS[0] ?? 'black', points: state.losses }]);
  drawChart(ui.accuracy, [{ name: 'accuracy', color: COLORS[2] ?? 'black', points: state.accuracy }], 0);
  drawChart(
    ui.lr,
    state.lrs.map((g, i) => ({ name: g.name, color: COLORS[i % COLORS.length] ?? 'black', points: g.points })),
    0,
  );
}

/** The recipe of configs/mnist_mlp.yaml (served next to the page), with the page's overrides. */
async function loadRecipe(): Promise<SolverConfig> {
  const text: string = await (await fetch('mnist_mlp.yaml')).text();
  const overrides: string[] = ['OUTPUT_DIR', state.outputDir];
  const keys: Record<string, string> = {
    iters: 'SOLVER.MAX_ITER',
    warmup: 'SOLVER.WARMUP_ITERS',
    period: 'SOLVER.CHECKPOINT_PERIOD',
    log: 'TRAIN.LOG_PERIOD',
    eval: 'TRAIN.EVAL_PERIOD',
  };
  for (const [param, key] of Object.entries(keys)) {
    const value: string | null = params.get(param);
    if (value !== null) overrides.push(key, value);
  }
  return loadConfigText(text, 'mnist_mlp.yaml', overrides);
}

/** The digits of mnist-subset.bin (see build.mjs): pixels scaled to [0, 1], one-hot labels. */
async function loadDigits(): Promise<{ train: { xs: tf.Tensor2D; ys: tf.Tensor2D }; heldOut: { xs: tf.Tensor2D; labels: tf.Tensor1D } }> {
  const bytes = new Uint8Array(await (await fetch('mnist-subset.bin')).arrayBuffer());
  const view = new DataView(bytes.buffer);
  if (String.fromCharCode(...bytes.subarray(0, 4)) !== 'MNSB')
    throw new Error('mnist-subset.bin: not a digits file; run npm run page:build');
  const nTrain: number = view.getUint32(4, true);
  const nHeld: number = view.getUint32(8, true);
  const n: number = nTrain + nHeld;
  const pixels = Float32Array.from(bytes.subarray(12, 12 + n * PIXELS), (v) => v / 255);
  const labels = Int32Array.from(bytes.subarray(12 + n * PIXELS, 12 + n * PIXELS + n));
  return tf.tidy(() => ({
    train: {
      xs: tf.tensor2d(pixels.subarray(0, nTrain * PIXELS), [nTrain, PIXELS]),
      ys: tf.oneHot(tf.tensor1d(labels.subarray(0, nTrain), 'int32'), 10).toFloat() as tf.Tensor2D,
    },
    heldOut: { xs: tf.tensor2d(pixels.subarray(nTrain * PIXELS), [nHeld, PIXELS]), labels: tf.tensor1d(labels.subarray(nTrain), 'int32') },
  }));
}

/** The main job's MLP: Dense(units) → BatchNorm → ReLU, twice, then Dense(10) logits; seeded. */
function buildMlp(units: number, seed: number): tf.Sequential {
  const init = (offset: number): ReturnType<typeof tf.initializers.heNormal> => tf.initializers.heNormal({ seed: seed + offset });
  const model: tf.Sequential = tf.sequential({ name: 'mnist_mlp' });
  model.add(tf.layers.dense({ name: 'hidden1', units, inputShape: [PIXELS], kernelInitializer: init(1) }));
  model.add(tf.layers.batchNormalization({ name: 'bn1' }));
  model.add(tf.layers.reLU({ name: 'relu1' }));
  model.add(tf.layers.dense({ name: 'hidden2', units, kernelInitializer: init(2) }));
  model.add(tf.layers.batchNormalization({ name: 'bn2' }));
  model.add(tf.layers.reLU({ name: 'relu2' }));
  model.add(tf.layers.dense({ name: 'logits', units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 3 }) }));
  return model;
}

/** Records the LR of every group, the mean loss every LOG_PERIOD steps and the held-out accuracy every EVAL_PERIOD. */
function curvesHook(solver: Solver, config: SolverConfig, evaluate: () => Promise<number>): Hook {
  let sum: tf.Scalar | null = null;
  let count = 0;
  const flush = async (iteration: number): Promise<void> => {
    if (sum === null || count === 0) return;
    const total: number = (await sum.data())[0] ?? NaN;
    sum.dispose();
    sum = null;
    state.losses.push([iteration, total / count]);
    count = 0;
  };
  return {
    beforeStep(ctx: HookContext): void {
      // The LR hook has set this step's LRs (it runs before hooks added to the solver).
      solver.optimizer.paramGroups.forEach((group, i) => state.lrs[i]?.points.push([ctx.iteration, group.lr]));
    },
    async afterStep(ctx: HookContext): Promise<void> {
      if (ctx.loss !== null) {
        const loss: tf.Scalar = ctx.loss;
        const next: tf.Scalar = tf.tidy(() => (sum === null ? loss.clone() : sum.add(loss)));
        sum?.dispose();
        sum = next;
        count += 1;
      }
      const done: number = ctx.iteration + 1;
      state.iteration = done;
      if (done % config.TRAIN.LOG_PERIOD === 0 || done === ctx.maxIter) await flush(done);
      if (done % config.TRAIN.EVAL_PERIOD === 0 || done === ctx.maxIter) state.accuracy.push([done, await evaluate()]);
      show(`${state.backend}: iteration ${done} / ${ctx.maxIter}`);
      redraw();
      // Let the browser paint and handle clicks (Stop) between steps: on cpu and wasm a step
      // never waits for anything, so without this the page would freeze until training ends.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
    },
    async afterTrain(ctx: HookContext): Promise<void> {
      await flush(ctx.iteration);
      redraw();
    },
  };
}

/** Stops before the next step once asked: saves a checkpoint at that iteration first, then ends the run. */
function stopHook(solver: Solver, asked: () => boolean): Hook {
  return {
    async beforeStep(ctx: HookContext): Promise<void> {
      if (!asked()) return;
      const name = `model_${String(ctx.iteration).padStart(7, '0')}.ckpt`;
      await solver.checkpointer.save(name, ctx.iteration);
      state.stoppedAt = ctx.iteration;
      throw new SolverError(
        'state',
        `stopped before iteration ${ctx.iteration}: saved ${name}; reload the page or press Train to continue`,
      );
    },
  };
}

// Also available when loading failed (e.g. a checkpoint of another recipe): start over.
ui.reset.addEventListener('click', () => {
  const request = browser.indexedDB.deleteDatabase(state.databaseName);
  request.onsuccess = (): void => {
    browser.location.reload();
  };
});

async function main(): Promise<void> {
  ui.backend.value = backendName;
  ui.backend.addEventListener('change', () => {
    params.set('backend', ui.backend.value);
    browser.location.search = params.toString();
  });
  if (!BACKENDS.includes(backendName as BackendName))
    throw new Error(`backend: got ${backendName}, expected one of ${BACKENDS.join(', ')}`);
  const wasm = (): Promise<typeof import('@tensorflow/tfjs-backend-wasm')> => import('@tensorflow/tfjs-backend-wasm');
  state.backend = (await selectBackend(backendName as BackendName, { wasm, wasmPaths: 'wasm/' })).name;
  const config: SolverConfig = await loadRecipe();
  state.maxIter = config.SOLVER.MAX_ITER;
  const data = await loadDigits();
  const model: tf.Sequential = buildMlp(config.DEMO.HIDDEN_UNITS, config.SEED);
  const container = solverContainer(config);
  container.bind(TOKENS.Model).toConstantValue(model);
  container.bind(TOKENS.FileStore).toConstantValue(indexedDbFileStore({ databaseName: state.databaseName }));
  const solver: Solver = await createSolver(container, { resume: true });
  const ema: WeightEma | undefined = config.TRAIN.EMA_ENABLED ? container.get<WeightEma>(TOKENS.WeightEma) : undefined;
  state.startIter = solver.startIter;
  state.iteration = solver.startIter;
  const baseLr: number = config.SOLVER.BASE_LR;
  state.lrs = solver.optimizer.paramGroups.map((g) => ({
    name: `×${Number((g.baseLr / baseLr).toPrecision(3))} wd ${g.weightDecay} (${g.names.length})`,
    points: [],
  }));
  const evaluate = async (): Promise<number> => {
    ema?.swap(); // score the averaged weights, as the main job does
    try {
      const correct: tf.Scalar = tf.tidy(() => {
        const logits = model.predict(data.heldOut.xs) as tf.Tensor2D;
        return logits.argMax(1).equal(data.heldOut.labels).sum();
      });
      const value: number = (await correct.data())[0] ?? NaN;
      correct.dispose();
      return value / data.heldOut.labels.shape[0];
    } finally {
      ema?.swap();
    }
  };
  let stopAsked = false;
  solver.hooks.add(stopHook(solver, () => stopAsked)); // first: a stopped step records nothing
  solver.hooks.add(curvesHook(solver, config, evaluate));
  const batches = new ShuffledBatches({ xs: data.train.xs, ys: data.train.ys, batchSize: config.SOLVER.IMS_PER_BATCH, seed: config.SEED });
  const loss = layersModelLoss(model, (ys: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(ys, logits));

  const idle = (message: string): void => {
    state.running = false;
    ui.start.disabled = solver.startIter >= config.SOLVER.MAX_ITER;
    ui.stop.disabled = true;
    ui.reset.disabled = false;
    show(message);
  };
  ui.start.addEventListener('click', () => {
    stopAsked = false;
    state.running = true;
    ui.start.disabled = true;
    ui.stop.disabled = false;
    ui.reset.disabled = true;
    solver
      .trainer(batches, loss)
      .train()
      .then(
        () => {
          idle(`${state.backend}: finished at iteration ${solver.startIter}; held-out accuracy ${state.accuracy.at(-1)?.[1] ?? '–'}`);
        },
        (error: unknown) => {
          if (stopAsked && SolverError.is(error, 'state')) {
            idle(`${state.backend}: ${error.message}`);
            return;
          }
          state.error = String(error);
          idle(`${state.backend}: training failed: ${state.error}`);
        },
      );
  });
  ui.stop.addEventListener('click', () => {
    stopAsked = true;
    ui.stop.disabled = true;
    show(`${state.backend}: stopping: saving a checkpoint first…`);
  });
  state.ready = true;
  idle(
    solver.startIter > 0
      ? `${state.backend}: resumed from IndexedDB at iteration ${solver.startIter} / ${config.SOLVER.MAX_ITER}; press Train to continue`
      : `${state.backend}: ready, no checkpoint yet; press Train`,
  );
}

main().catch((error: unknown) => {
  state.error = String(error);
  ui.reset.disabled = false;
  show(`failed: ${state.error}`);
});
