import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SolverError } from '../../src/errors.js';
import { nodeFileStore } from '../../src/io/node.js';

describe('nodeFileStore', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tfjs-solver-files-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('when writeAtomic replaces a file', () => {
    it('should leave exactly the new content and no temporary file', async () => {
      await nodeFileStore.writeAtomic(`${dir}/a.ckpt`, 'old');
      await nodeFileStore.writeAtomic(`${dir}/a.ckpt`, new TextEncoder().encode('new'));
      expect(new TextDecoder().decode(await nodeFileStore.readBytes(`${dir}/a.ckpt`))).toBe('new');
      expect(await readdir(dir)).toEqual(['a.ckpt']);
    });
  });

  describe('when the rename fails (the target is a directory)', () => {
    it('should throw an io error naming the path and leave no temporary file behind', async () => {
      await mkdir(`${dir}/b.ckpt`);
      const error: unknown = await nodeFileStore.writeAtomic(`${dir}/b.ckpt`, 'data').catch((e: unknown) => e);
      expect(SolverError.is(error, 'io')).toBe(true);
      expect((error as Error).message).toContain(`writing ${dir}/b.ckpt failed:`);
      expect(await readdir(dir)).toEqual(['b.ckpt']);
    });
  });

  describe('when listing a missing directory and appending', () => {
    it('should list nothing, then create the file on append', async () => {
      expect(await nodeFileStore.list(`${dir}/none`)).toEqual([]);
      await nodeFileStore.makeDir(`${dir}/x/y`);
      await nodeFileStore.append(`${dir}/x/y/m.json`, '{"a":1}\n');
      await nodeFileStore.append(`${dir}/x/y/m.json`, '{"a":2}\n');
      expect(new TextDecoder().decode(await nodeFileStore.readBytes(`${dir}/x/y/m.json`))).toBe('{"a":1}\n{"a":2}\n');
      await nodeFileStore.remove(`${dir}/x/y/m.json`);
      await nodeFileStore.remove(`${dir}/x/y/m.json`);
      expect(await nodeFileStore.list(`${dir}/x/y`)).toEqual([]);
    });
  });
});
