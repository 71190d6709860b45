import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getDefaultOptimizerParams } from '../../../src/optim/groups.js';
import { type OptimizerAlgorithm, SolverOptimizer } from '../../../src/optim/SolverOptimizer.js';

let numTensors = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
beforeEach(() => {
  numTensors = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(numTensors);
});

type Kind = 'default names' | 'underscores and digits' | 'a nested model';

/** A small model whose weights start at fixed values, so two builds are identical. */
function buildModel(kind: Kind): tf.LayersModel {
  const init = (seed: number): ReturnType<typeof tf.initializers.randomUniform> =>
    tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed });
  const dense = (units: number, seed: number, name?: string, inputShape?: number[]): tf.layers.Layer =>
    tf.layers.dense({
      units,
      kernelInitializer: init(seed),
      biasInitializer: init(seed + 1),
      ...(name === undefined ? {} : { name }),
      ...(inputShape === undefined ? {} : { inputShape }),
    });
  if (kind === 'default names') return tf.sequential({ layers: [dense(3, 1, undefined, [2]), dense(1, 3)] });
  if (kind === 'underscores and digits') return tf.sequential({ layers: [dense(3, 1, 'my_layer_2', [2]), dense(1, 3, 'out_3_x')] });
  const inner = tf.sequential({ name: 'inner_block_1', layers: [dense(3, 1, 'inner_dense_1', [2])] });
  return tf.sequential({ layers: [inner, dense(1, 3, 'head_0')] });
}

const OPTIMIZERS: [OptimizerAlgorithm, object][] = [
  ['SGD', { momentum: 0.9, nesterov: true }],
  ['Adam', {}],
  ['AdamW', { betas: [0.8, 0.99] }],
  ['Lion', {}],
];

function compile(model: tf.LayersModel, algorithm: OptimizerAlgorithm, extra: object): void {
  const optimizer = new SolverOptimizer({ algorithm, groups: getDefaultOptimizerParams(model), lr: 0.01, weightDecay: 0.01, ...extra });
  model.compile({ optimizer, loss: 'meanSquaredError' });
}

const XS = [0.5, -1, 1.5, 2, -0.25, 0.75, 1, 1];
const YS = [1, -1, 0.5, 2];

async function fitOnce(model: tf.LayersModel, shift: number): Promise<void> {
  const xs = tf.tensor2d(
    XS.map((x) => x + shift),
    [4, 2],
  );
  const ys = tf.tensor2d(YS, [4, 1]);
  await model.fit(xs, ys, { epochs: 1, batchSize: 4, shuffle: false });
  tf.dispose([xs, ys]);
}

const weightsOf = (model: tf.LayersModel): number[] => model.getWeights().flatMap((w) => Array.from(w.dataSync()));

/** The artifacts `model.save(…, { includeOptimizer: true })` writes, kept in memory. */
async function save(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  const saved: tf.io.ModelArtifacts[] = [];
  await model.save(
    tf.io.withSaveHandler((artifacts) => {
      saved.push(artifacts);
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
    }),
    { includeOptimizer: true },
  );
  const [artifacts] = saved;
  if (artifacts === undefined) throw new Error('nothing saved');
  return artifacts;
}

function disposeModel(model: tf.LayersModel): void {
  model.optimizer.dispose();
  model.dispose();
}

describe.each(['default names', 'underscores and digits', 'a nested model'] as Kind[])('includeOptimizer save and reload, %s', (kind) => {
  describe.each(OPTIMIZERS)('having %s after two fit steps', (algorithm, extra) => {
    it('should reload with tf.loadLayersModel and take the next step exactly as without saving', async () => {
      const model = buildModel(kind);
      compile(model, algorithm, extra);
      await fitOnce(model, 0);
      await fitOnce(model, 0.5);
      const artifacts = await save(model);
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
      const optimizer: unknown = loaded.optimizer;
      expect(optimizer instanceof SolverOptimizer && optimizer.algorithm).toBe(algorithm);
      expect(weightsOf(loaded)).toEqual(weightsOf(model));
      await fitOnce(model, 1);
      await fitOnce(loaded, 1);
      expect(weightsOf(loaded)).toEqual(weightsOf(model));
      disposeModel(model);
      disposeModel(loaded);
    });
  });
});

describe('includeOptimizer save and reload in a fresh process', () => {
  it('should load default layer names and take the same next step (AdamW)', async () => {
    // Inside the project (node_modules/.cache, ignored by git) so the child resolves @tensorflow/tfjs as the library does.
    mkdirSync(join(process.cwd(), 'node_modules/.cache'), { recursive: true });
    const dir = mkdtempSync(join(process.cwd(), 'node_modules/.cache/tfjs-solver-reload-'));
    const model = buildModel('default names');
    compile(model, 'AdamW', {});
    await fitOnce(model, 0);
    await fitOnce(model, 0.5);
    const artifacts = await save(model);
    const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...artifacts, weightData: Buffer.from(weightData).toString('base64') }));
    await fitOnce(model, 1);
    const expected = weightsOf(model);
    const script = [
      "import * as tf from '@tensorflow/tfjs';",
      "import { readFileSync, writeFileSync } from 'node:fs';",
      `import '${join(process.cwd(), 'src/optim/SolverOptimizer.ts')}';`,
      'const dir = process.argv[2];',
      "const saved = JSON.parse(readFileSync(dir + '/model.json', 'utf8'));",
      "const buffer = Buffer.from(saved.weightData, 'base64');",
      'saved.weightData = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);',
      "await tf.setBackend('cpu');",
      'const model = await tf.loadLayersModel(tf.io.fromMemory(saved));',
      `const xs = tf.tensor2d(${JSON.stringify(XS.map((x) => x + 1))}, [4, 2]);`,
      `const ys = tf.tensor2d(${JSON.stringify(YS)}, [4, 1]);`,
      'await model.fit(xs, ys, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });',
      "writeFileSync(dir + '/after.json', JSON.stringify({ cls: model.optimizer.getClassName(), weights: model.getWeights().flatMap((w) => Array.from(w.dataSync())) }));",
    ].join('\n');
    writeFileSync(join(dir, 'child.mts'), script);
    execFileSync(process.execPath, [join(process.cwd(), 'node_modules/tsx/dist/cli.mjs'), join(dir, 'child.mts'), dir], { stdio: 'pipe' });
    const after = JSON.parse(readFileSync(join(dir, 'after.json'), 'utf8')) as { cls: string; weights: number[] };
    expect(after.cls).toBe('SolverOptimizer');
    expect(after.weights).toEqual(expected);
    disposeModel(model);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
