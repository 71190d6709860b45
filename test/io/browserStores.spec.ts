import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { IDBFactory } from 'fake-indexeddb';
import { parseConfig } from '../../src/config/load.js';
import { createSolver } from '../../src/di/Solver.js';
import { solverContainer, TOKENS } from '../../src/di/solverModule.js';
import { type IndexedDbFactory, indexedDbFileStore, memoryFileStore } from '../../src/io/browser.js';
import type { FileStore } from '../../src/io/interfaces.js';
import { SolverError } from '../../src/errors.js';

// Both browser stores keep the FileStore contract the checkpointer and metrics writer rely on;
// the IndexedDB one runs on fake-indexeddb (the same API as a page's, kept in memory).

/** A fresh in-memory IndexedDB (fake-indexeddb types it with the DOM library, which this project does not load). */
const newIndexedDb = (): IndexedDbFactory => new (IDBFactory as unknown as new () => IndexedDbFactory)();

const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

const stores: [string, () => FileStore][] = [
  ['memoryFileStore', () => memoryFileStore()],
  ['indexedDbFileStore', () => indexedDbFileStore({ indexedDB: newIndexedDb() })],
];

describe.each(stores)('%s', (_name, make) => {
  describe('having a file written atomically', () => {
    it('should read back the same bytes, from a copy the caller cannot change', async () => {
      const files = make();
      const data = new Uint8Array([0, 1, 254, 255]);
      await files.writeAtomic('out/model_final.ckpt', data);
      data[0] = 9;
      const read = await files.readBytes('out/model_final.ckpt');
      expect([...read]).toEqual([0, 1, 254, 255]);
      read[1] = 7;
      expect([...(await files.readBytes('out/./model_final.ckpt'))]).toEqual([0, 1, 254, 255]);
    });

    it('should replace the whole file on a second write, text as UTF-8', async () => {
      const files = make();
      await files.writeAtomic('out/last_checkpoint', 'model_0000009.ckpt');
      await files.writeAtomic('out/last_checkpoint', 'µ');
      expect([...(await files.readBytes('out/last_checkpoint'))]).toEqual([0xc2, 0xb5]);
    });
  });

  describe('having appends', () => {
    it('should create the file, then add to its end', async () => {
      const files = make();
      await files.append('out/metrics.json', '{"iteration":0}\n');
      await files.append('out/metrics.json', '{"iteration":1}\n');
      expect(decode(await files.readBytes('out/metrics.json'))).toBe('{"iteration":0}\n{"iteration":1}\n');
    });
  });

  describe('having files in nested directories', () => {
    it('should list the names directly in a directory, sorted, and nothing for a missing one', async () => {
      const files = make();
      await files.makeDir('out/sub');
      for (const path of ['out/b.ckpt', 'out/a.ckpt', 'out/sub/c.ckpt', 'outer/d.ckpt']) await files.writeAtomic(path, 'x');
      expect(await files.list('out')).toEqual(['a.ckpt', 'b.ckpt']);
      expect(await files.list('out/')).toEqual(['a.ckpt', 'b.ckpt']);
      expect(await files.list('missing')).toEqual([]);
    });
  });

  describe('having a removed file', () => {
    it('should fail to read it with kind io naming the path; removing it again is fine', async () => {
      const files = make();
      await files.writeAtomic('out/a.ckpt', 'x');
      await files.remove('out/a.ckpt');
      await files.remove('out/a.ckpt');
      const error: unknown = await files.readBytes('out/a.ckpt').catch((e: unknown) => e);
      expect(SolverError.is(error, 'io')).toBe(true);
      expect((error as Error).message).toBe('out/a.ckpt: no such file');
      expect(await files.list('out')).toEqual([]);
    });
  });
});

describe('indexedDbFileStore', () => {
  describe('having two stores on one database', () => {
    it('should see what the other wrote (it persists in the database, not in the object)', async () => {
      const factory = newIndexedDb();
      await indexedDbFileStore({ indexedDB: factory, databaseName: 'runs' }).writeAtomic('out/a.ckpt', 'saved');
      const reopened = indexedDbFileStore({ indexedDB: factory, databaseName: 'runs' });
      expect(decode(await reopened.readBytes('out/a.ckpt'))).toBe('saved');
      expect(await indexedDbFileStore({ indexedDB: factory, databaseName: 'other' }).list('out')).toEqual([]);
    });
  });

  describe('having no IndexedDB in the runtime', () => {
    it('should fail on first use with kind io, saying what to use instead', async () => {
      const files = indexedDbFileStore();
      await expect(files.list('out')).rejects.toMatchObject({
        kind: 'io',
        message:
          "indexedDbFileStore('tfjs-solver'): this runtime has no IndexedDB; use memoryFileStore() here, or nodeFileStore from 'tfjs-solver/node' in Node",
      });
    });
  });
});

describe('createSolver of the browser-safe entry', () => {
  const config = parseConfig({
    SOLVER: { BASE_LR: 0.05, MAX_ITER: 6, STEPS: [], WARMUP_ITERS: 0, CHECKPOINT_PERIOD: 3 },
    TRAIN: { LOG_PERIOD: 3 },
    OUTPUT_DIR: 'runs/a',
  });
  const model = (): tf.Sequential =>
    tf.sequential({ layers: [tf.layers.dense({ name: 'out', units: 1, inputShape: [2], kernelInitializer: 'zeros' })] });

  describe('having no file store bound', () => {
    it('should fail with kind io, saying which stores to bind', async () => {
      const m = model();
      const container = solverContainer(config);
      container.bind(TOKENS.Model).toConstantValue(m);
      await expect(createSolver(container)).rejects.toMatchObject({
        kind: 'io',
        message: expect.stringContaining('bind memoryFileStore()'),
      });
      m.dispose();
    });
  });

  describe('having an IndexedDB store', () => {
    it('should leave checkpoints there that a new solver (a reloaded page) resumes from', async () => {
      const before = tf.memory().numTensors;
      const factory = newIndexedDb();
      const xs = tf.tensor2d([
        [1, 2],
        [3, 4],
      ]);
      const ys = tf.tensor2d([[1], [2]]);
      const first = model();
      const container = solverContainer(config);
      container.bind(TOKENS.Model).toConstantValue(first);
      container.bind(TOKENS.FileStore).toConstantValue(indexedDbFileStore({ indexedDB: factory }));
      const solver = await createSolver(container);
      first.compile({ optimizer: solver.optimizer, loss: 'meanSquaredError' });
      await solver.fit(first, xs, ys, { epochs: 10, batchSize: 2 });
      const trained = first.getWeights().map((w) => [...w.dataSync()]);

      const second = model();
      const reloaded = solverContainer(config);
      reloaded.bind(TOKENS.Model).toConstantValue(second);
      const files = indexedDbFileStore({ indexedDB: factory });
      reloaded.bind(TOKENS.FileStore).toConstantValue(files);
      const resumed = await createSolver(reloaded, { resume: true });
      expect(resumed.startIter).toBe(6);
      expect(second.getWeights().map((w) => [...w.dataSync()])).toEqual(trained);
      expect(await files.list('runs/a')).toEqual(['last_checkpoint', 'metrics.json', 'model_0000003.ckpt', 'model_final.ckpt']);

      for (const m of [first, second]) m.dispose();
      for (const s of [solver, resumed]) s.optimizer.dispose();
      tf.dispose([xs, ys]);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
