import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../../src/errors.js';
import { Checkpointer } from '../../../src/hooks/Checkpointer.js';
import { SolverOptimizer } from '../../../src/optim/SolverOptimizer.js';
import { LrMultiplier } from '../../../src/sched/lrScheduler.js';
import { constantScheduler } from '../../../src/sched/schedulers.js';
import { MemoryFileStore } from '../memoryFileStore.js';

describe(Checkpointer, () => {
  let before: number;
  let w: tf.Variable;
  let optimizer: SolverOptimizer;
  let scheduler: LrMultiplier;
  let files: MemoryFileStore;
  let warnings: string[];

  function checkpointer(maxToKeep: number = 2): Checkpointer {
    return new Checkpointer(
      { model: new Map([['layer/w', w]]), optimizer, scheduler, config: { SEED: 1 } },
      { files, dir: 'out', maxToKeep, logger: { info: () => undefined, warn: (m: string) => warnings.push(m) } },
    );
  }

  async function step(): Promise<void> {
    tf.tidy(() => {
      optimizer.applyGradients({ [w.name]: tf.onesLike(w) });
    });
    scheduler.step();
    await Promise.resolve();
  }

  beforeEach(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
    w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3]), true, 'ckpt/w'));
    optimizer = new SolverOptimizer({ groups: [{ params: [w] }], lr: 0.1, momentum: 0.9 });
    scheduler = new LrMultiplier(optimizer, constantScheduler({ value: 1 }), 10);
    files = new MemoryFileStore();
    warnings = [];
  });

  afterEach(() => {
    optimizer.dispose();
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  describe('having saved after two steps and then trained on', () => {
    it('should restore weights, momentum, scheduler iteration, and return the saved iteration', async () => {
      await step();
      await step();
      await checkpointer().save('model_0000002.ckpt', 2);
      const saved: number[] = Array.from(w.dataSync());
      await step();
      const loaded: number = await checkpointer().load('out/model_0000002.ckpt');
      expect(loaded).toBe(2);
      expect(Array.from(w.dataSync())).toEqual(saved);
      expect(scheduler.current.iteration).toBe(2);
      // momentum buffer after two unit gradients (PyTorch SGD, SPEC §5): b1 = 1, b2 = 0.9·1 + 1 = 1.9
      const weights = await optimizer.getWeights();
      const momentum = weights.find((t) => t.name === 'ckpt/w/momentum');
      expect(Array.from(momentum!.tensor.dataSync())).toEqual([1.9, 1.9, 1.9].map(Math.fround));
    });
  });

  describe('when a byte of the saved file is changed', () => {
    it('should refuse it with a checkpoint error naming the sha256 mismatch, leaving the weights alone', async () => {
      await checkpointer().save('model_0000001.ckpt', 1);
      const bytes: Uint8Array = files.files.get('out/model_0000001.ckpt')!;
      const text: string = new TextDecoder().decode(bytes).replace('"iteration":1', '"iteration":7');
      files.files.set('out/model_0000001.ckpt', new TextEncoder().encode(text));
      await step();
      const after: number[] = Array.from(w.dataSync());
      const error: unknown = await checkpointer()
        .load('out/model_0000001.ckpt')
        .catch((e: unknown) => e);
      expect(SolverError.is(error, 'checkpoint')).toBe(true);
      expect((error as Error).message).toMatch(
        /^checkpoint out\/model_0000001\.ckpt: sha256 mismatch: header [0-9a-f]{64}, data [0-9a-f]{64} \(corrupt or edited file\); refusing to load it$/,
      );
      expect(Array.from(w.dataSync())).toEqual(after);
    });
  });

  describe('when the file is cut short', () => {
    it('should refuse it naming the byte counts', async () => {
      await checkpointer().save('model_0000001.ckpt', 1);
      const bytes: Uint8Array = files.files.get('out/model_0000001.ckpt')!;
      files.files.set('out/model_0000001.ckpt', bytes.subarray(0, bytes.length - 10));
      await expect(checkpointer().load('out/model_0000001.ckpt')).rejects.toThrow(
        /got \d+ bytes of data, the header says \d+ \(torn or truncated file\)/,
      );
    });
  });

  describe('when resuming and the newest checkpoint is torn', () => {
    it('should warn naming it and resume from the previous one', async () => {
      await step();
      await checkpointer(5).save('model_0000001.ckpt', 1);
      const good: number[] = Array.from(w.dataSync());
      await step();
      await checkpointer(5).save('model_0000002.ckpt', 2);
      const torn: Uint8Array = files.files.get('out/model_0000002.ckpt')!;
      files.files.set('out/model_0000002.ckpt', torn.subarray(0, 100));
      expect(await checkpointer(5).resume()).toBe(1);
      expect(Array.from(w.dataSync())).toEqual(good);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('skipping checkpoint out/model_0000002.ckpt');
    });

    it('should throw when every checkpoint is damaged, listing them', async () => {
      await checkpointer().save('model_0000001.ckpt', 1);
      files.files.set('out/model_0000001.ckpt', new TextEncoder().encode('garbage'));
      await expect(checkpointer().resume()).rejects.toThrow('no intact checkpoint in out: tried model_0000001.ckpt');
    });

    it('should start at 0 when there is no checkpoint at all', async () => {
      expect(await checkpointer().resume()).toBe(0);
    });
  });

  describe('having saved four periodic checkpoints with maxToKeep 2', () => {
    it('should keep only the two newest and point last_checkpoint at the newest', async () => {
      for (const i of [1, 2, 3, 4]) await checkpointer(2).save(`model_000000${i}.ckpt`, i);
      expect((await files.list('out')).sort()).toEqual(['last_checkpoint', 'model_0000003.ckpt', 'model_0000004.ckpt']);
      expect(files.text('out/last_checkpoint')).toBe('model_0000004.ckpt\n');
    });
  });

  describe('when writing fails', () => {
    it('should leave the previous checkpoint and last_checkpoint untouched', async () => {
      await checkpointer().save('model_0000001.ckpt', 1);
      files.failWrites = true;
      await expect(checkpointer().save('model_0000002.ckpt', 2)).rejects.toThrow('disk full writing out/model_0000002.ckpt');
      expect((await files.list('out')).sort()).toEqual(['last_checkpoint', 'model_0000001.ckpt']);
      expect(files.text('out/last_checkpoint')).toBe('model_0000001.ckpt\n');
    });
  });

  describe('when the scheduler refuses the saved state (another MAX_ITER)', () => {
    it('should throw its state error and leave the model weights as they were', async () => {
      await checkpointer().save('model_0000001.ckpt', 1);
      await step();
      const after: number[] = Array.from(w.dataSync());
      scheduler = new LrMultiplier(optimizer, constantScheduler({ value: 1 }), 20);
      await expect(checkpointer().load('out/model_0000001.ckpt')).rejects.toThrow(
        'SOLVER.MAX_ITER: the checkpoint was saved with 10, this run has 20',
      );
      expect(Array.from(w.dataSync())).toEqual(after);
    });
  });

  describe('when the checkpoint belongs to another model', () => {
    it('should refuse it with a state error naming the missing and unexpected variables', async () => {
      await checkpointer().save('model_0000001.ckpt', 1);
      const other = new Checkpointer({ model: new Map([['layer/v', w]]) }, { files, dir: 'out' });
      await expect(other.load('out/model_0000001.ckpt')).rejects.toThrow(
        'checkpoint out/model_0000001.ckpt does not fit the model: missing [layer/v], unexpected [layer/w]',
      );
    });
  });
});
