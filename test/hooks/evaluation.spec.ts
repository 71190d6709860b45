import { beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../src/errors.js';
import { BestCheckpointer, classifierMetrics, classifierOutput, EvalHook, type EvalRecord } from '../../src/hooks/evaluation.js';
import { EventStorage } from '../../src/hooks/metrics.js';
import { layersModelVariables, WeightEma } from '../../src/hooks/WeightEma.js';
import { MemoryFileStore } from './memoryFileStore.js';

// A two-class problem small enough to score by hand. The model is one Dense layer whose kernel
// is the identity, so its logits are the inputs themselves:
//   x = [2, 1] label 0 -> argmax 0, right;   x = [0, 3]  label 1 -> 1, right;
//   x = [1, .5] label 1 -> 0, wrong;         x = [0, -1] label 0 -> 0, right.   accuracy 3/4.
// Mean softmax cross-entropy, -log softmax(x)[label], by hand (Python, math.log/exp): 0.41229692769757353.
// With the columns of the kernel swapped (x -> [x1, x0]) only the third is right: accuracy 1/4,
// loss 1.5372969276975734.

const IDENTITY: number[][] = [
  [1, 0],
  [0, 1],
];
const SWAPPED: number[][] = [
  [0, 1],
  [1, 0],
];

function identityModel(): tf.Sequential {
  const model: tf.Sequential = tf.sequential({ layers: [tf.layers.dense({ name: 'd', units: 2, inputShape: [2] })] });
  model.setWeights([tf.tensor2d(IDENTITY), tf.zeros([2])]);
  return model;
}

const XS: number[][] = [
  [2, 1],
  [0, 3],
  [1, 0.5],
  [0, -1],
];
const LABELS: number[][] = [
  [1, 0],
  [0, 1],
  [0, 1],
  [1, 0],
];

describe(classifierMetrics, () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  describe('having the identity model and the four points in two batches', () => {
    it('should give accuracy 3/4 and the hand-computed mean cross-entropy', async () => {
      const model: tf.Sequential = identityModel();
      const before: number = tf.memory().numTensors;
      const batches = [
        { xs: tf.tensor2d(XS.slice(0, 3)), ys: tf.tensor2d(LABELS.slice(0, 3)) },
        { xs: tf.tensor2d(XS.slice(3)), ys: tf.tensor2d(LABELS.slice(3)) },
      ];
      const metrics = await classifierMetrics(model, batches);
      expect(metrics.accuracy).toBe(0.75);
      expect(metrics.loss).toBeCloseTo(0.41229692769757353, 6);
      tf.dispose(batches.flatMap((b) => [b.xs, b.ys]));
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    });
  });

  describe('having the same points as a tf.data.Dataset and a softmax model', () => {
    it('should read probabilities as such and give the same numbers', async () => {
      const model: tf.Sequential = tf.sequential({
        layers: [tf.layers.dense({ name: 'p', units: 2, inputShape: [2], activation: 'softmax' })],
      });
      model.setWeights([tf.tensor2d(IDENTITY), tf.zeros([2])]);
      expect(classifierOutput(model)).toBe('probabilities');
      const before: number = tf.memory().numTensors;
      const dataset = tf.data.generator(function* () {
        yield { xs: tf.tensor2d(XS.slice(0, 2)), ys: tf.tensor2d(LABELS.slice(0, 2)) };
        yield { xs: tf.tensor2d(XS.slice(2)), ys: tf.tensor2d(LABELS.slice(2)) };
      });
      const metrics = await classifierMetrics(model, dataset);
      expect(metrics.accuracy).toBe(0.75);
      expect(metrics.loss).toBeCloseTo(0.41229692769757353, 5);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    });
  });

  describe('having no samples', () => {
    it('should refuse with a SolverError', async () => {
      const model: tf.Sequential = identityModel();
      await expect(classifierMetrics(model, [])).rejects.toThrow('classifierMetrics: the held-out data has no samples');
      model.dispose();
    });
  });
});

describe(EvalHook, () => {
  const ctx = (iteration: number) => ({ iteration, startIter: 0, maxIter: 30, loss: null, storage });
  let storage: EventStorage = new EventStorage();

  describe('having period 10 over 30 iterations and the EMA holding the swapped kernel', () => {
    it('should evaluate after iterations 9, 19 and 29 with the EMA weights, then restore the trained ones', async () => {
      storage = new EventStorage();
      const model: tf.Sequential = identityModel();
      const ema: WeightEma = new WeightEma(layersModelVariables(model), 0.5);
      const kernel: tf.Tensor = tf.tensor2d(SWAPPED);
      const bias: tf.Tensor = tf.zeros([2]);
      ema.loadState([
        { name: 'd/kernel', tensor: kernel },
        { name: 'd/bias', tensor: bias },
      ]);
      tf.dispose([kernel, bias]);
      const xs: tf.Tensor2D = tf.tensor2d(XS);
      const ys: tf.Tensor2D = tf.tensor2d(LABELS);
      const before: number = tf.memory().numTensors;
      const files: MemoryFileStore = new MemoryFileStore();
      const hook: EvalHook = new EvalHook({ period: 10, evaluate: () => classifierMetrics(model, [{ xs, ys }]), ema, files, dir: 'out' });
      for (let i = 0; i < 30; i++) await hook.afterStep(ctx(i));
      await hook.afterTrain(ctx(30));
      expect(hook.history.map((r: EvalRecord) => r.iteration)).toEqual([9, 19, 29]);
      expect(hook.latest?.results['eval/accuracy']).toBe(0.25);
      expect(hook.latest?.results['eval/loss']).toBeCloseTo(1.5372969276975734, 6);
      expect(storage.latest('eval/accuracy')).toBe(0.25);
      const lines = files
        .text('out/metrics.json')
        .trim()
        .split('\n')
        .map((l: string) => JSON.parse(l) as Record<string, number>);
      expect(lines.map((l) => [l.iteration, l['eval/accuracy']])).toEqual([
        [9, 0.25],
        [19, 0.25],
        [29, 0.25],
      ]);
      // The trained (identity) weights are back in the model.
      expect((await classifierMetrics(model, [{ xs, ys }])).accuracy).toBe(0.75);
      expect(tf.memory().numTensors).toBe(before);
      ema.dispose();
      model.dispose();
      tf.dispose([xs, ys]);
    });
  });

  describe('having training stopped early', () => {
    it('should not evaluate in afterTrain', async () => {
      let calls: number = 0;
      const hook: EvalHook = new EvalHook({ period: 0, evaluate: () => Promise.resolve({ accuracy: (calls += 1) }) });
      await hook.afterStep(ctx(9));
      await hook.afterTrain({ ...ctx(12) });
      expect(calls).toBe(0);
      await hook.afterTrain(ctx(30));
      expect(calls).toBe(1);
    });
  });

  describe('having an evaluation that throws', () => {
    it('should swap the EMA back before the error reaches the caller', async () => {
      const swaps: string[] = [];
      const hook: EvalHook = new EvalHook({
        period: 1,
        evaluate: () => Promise.reject(new Error('eval failed')),
        ema: { swap: () => swaps.push('swap') },
      });
      await expect(hook.afterStep(ctx(0))).rejects.toThrow('eval failed');
      expect(swaps).toEqual(['swap', 'swap']);
    });
  });

  describe('having a negative period', () => {
    it('should refuse naming the key and the rule', () => {
      expect(() => new EvalHook({ period: -1, evaluate: () => Promise.resolve({}) })).toThrow(
        new SolverError('argument', 'period (TRAIN.EVAL_PERIOD): got -1, expected an integer >= 0'),
      );
    });
  });
});

describe(BestCheckpointer, () => {
  function source(values: readonly number[]): { history: EvalRecord[] } {
    return {
      history: values.map((value: number, k: number) => ({
        iteration: 10 * k + 9,
        results: { 'eval/accuracy': value, 'eval/loss': 1 - value },
      })),
    };
  }

  describe('having accuracies 0.5, 0.75, 0.6, 0.75 (max)', () => {
    it('should save model_best after the first and the second only (a tie is not better)', async () => {
      const saved: [string, number][] = [];
      const evals = source([]);
      const best: BestCheckpointer = new BestCheckpointer(
        { save: (name, iteration) => Promise.resolve(void saved.push([name, iteration])) },
        evals,
        'eval/accuracy',
      );
      for (const value of [0.5, 0.75, 0.6, 0.75]) {
        evals.history.push({ iteration: 10 * evals.history.length + 9, results: { 'eval/accuracy': value } });
        await best.afterStep();
      }
      expect(saved).toEqual([
        ['model_best.ckpt', 10],
        ['model_best.ckpt', 20],
      ]);
      expect(best.best).toEqual({ iteration: 19, value: 0.75 });
    });
  });

  describe('having the loss (min) and two new results at once', () => {
    it('should consider both in order and save for each improvement', async () => {
      const saved: number[] = [];
      const best: BestCheckpointer = new BestCheckpointer(
        { save: (_n, iteration) => Promise.resolve(void saved.push(iteration)) },
        source([0.6, 0.5, 0.7]),
        'eval/loss',
        'min',
      );
      await best.afterTrain();
      expect(saved).toEqual([10, 30]);
    });
  });

  describe('having a metric the evaluation does not produce', () => {
    it('should refuse naming it and the ones there are', async () => {
      const best: BestCheckpointer = new BestCheckpointer({ save: () => Promise.resolve() }, source([0.5]), 'eval/top5');
      await expect(best.afterStep()).rejects.toThrow('BestCheckpointer metric: got "eval/top5", expected one of eval/accuracy, eval/loss');
    });
  });
});
