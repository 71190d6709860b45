import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../../src/errors.js';
import { type CheckpointData, encodeCheckpoint, encodeTensors } from '../../../src/hooks/checkpointCodec.js';
import { Checkpointer } from '../../../src/hooks/Checkpointer.js';
import { MemoryFileStore } from '../memoryFileStore.js';

// Checkpoints with a valid checksum whose content does not belong in this run.
describe('Checkpointer bounds on what it loads', () => {
  let before: number;
  let w: tf.Variable;
  let files: MemoryFileStore;
  let warnings: string[];

  function checkpointer(): Checkpointer {
    return new Checkpointer(
      { model: new Map([['layer/w', w]]) },
      { files, dir: 'out', maxIter: 100, logger: { info: () => undefined, warn: (m: string) => warnings.push(m) } },
    );
  }

  async function write(name: string, iteration: number, values: number[]): Promise<void> {
    const tensor: tf.Tensor = tf.tensor1d(values);
    const data: CheckpointData = {
      iteration,
      model: await encodeTensors([{ name: 'layer/w', tensor }]),
      optimizer: [],
      scheduler: null,
      ema: null,
      config: null,
    };
    tensor.dispose();
    await files.writeAtomic(`out/${name}`, await encodeCheckpoint(data));
  }

  beforeEach(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
    w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2]), true, 'bounds/w'));
    files = new MemoryFileStore();
    warnings = [];
  });

  afterEach(() => {
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  describe('having a checkpoint at iteration 10^9 with MAX_ITER 100', () => {
    it('should refuse it, leave the weights alone, and fall back to the previous good one', async () => {
      await write('model_0000050.ckpt', 50, [5, 6]);
      await write('model_1000000000.ckpt', 1e9, [7, 8]);
      const error: unknown = await checkpointer()
        .load('out/model_1000000000.ckpt')
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(SolverError.is(error, 'checkpoint')).toBe(true);
      expect((error as Error).message).toBe(
        'checkpoint out/model_1000000000.ckpt: iteration 1000000000 is past SOLVER.MAX_ITER 100; refusing to load it',
      );
      expect(Array.from(w.dataSync())).toEqual([1, 2]);
      expect(await checkpointer().resume()).toBe(50);
      expect(Array.from(w.dataSync())).toEqual([5, 6]);
    });
  });

  describe('having NaN weights under a valid checksum', () => {
    it('should load them with a warning naming the tensor', async () => {
      await write('model_0000010.ckpt', 10, [Number.NaN, 1]);
      expect(await checkpointer().load('out/model_0000010.ckpt')).toBe(10);
      expect(warnings).toEqual(['checkpoint out/model_0000010.ckpt holds NaN or infinite values in layer/w']);
    });
  });
});
