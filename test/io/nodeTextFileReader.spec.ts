import { describe, expect, it } from '@jest/globals';
import { nodeTextFileReader } from '../../src/io/node.js';

describe('nodeTextFileReader', () => {
  describe('when reading a file on disk', () => {
    it('should return its text', async () => {
      expect(await nodeTextFileReader.readText('test/fixtures/config/cycle-b.yaml')).toBe('_BASE_: ./cycle-a.yaml\n');
    });
  });

  describe('when reading a missing file', () => {
    it('should fail with kind io', async () => {
      await expect(nodeTextFileReader.readText('test/fixtures/none.yaml')).rejects.toMatchObject({
        kind: 'io',
        message: 'test/fixtures/none.yaml: no such file',
      });
    });
  });

  describe('when resolving', () => {
    it('should keep relative paths relative and normalised', () => {
      expect(nodeTextFileReader.resolve('configs/COCO/a.yaml', '../Base.yaml')).toBe('configs/Base.yaml');
      expect(nodeTextFileReader.resolve('configs/a.yaml', '/etc/b.yaml')).toBe('/etc/b.yaml');
    });
  });
});
