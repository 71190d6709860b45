import { describe, expect, it } from '@jest/globals';
import { memoryTextFileReader, normalizePath } from '../../src/io/interfaces.js';

describe(memoryTextFileReader, () => {
  const reader = memoryTextFileReader({ 'configs/./a.yaml': 'A', '/abs/b.yaml': 'B' });

  describe('when reading a stored path', () => {
    it('should return its text under any equivalent spelling', async () => {
      expect(await reader.readText('configs/a.yaml')).toBe('A');
      expect(await reader.readText('configs/x/../a.yaml')).toBe('A');
    });
  });

  describe('when reading a missing path', () => {
    it('should fail with kind io naming the path', async () => {
      await expect(reader.readText('nope.yaml')).rejects.toMatchObject({ kind: 'io', message: 'nope.yaml: no such file' });
    });
  });

  describe('when resolving', () => {
    it.each<[string, string, string]>([
      ['configs/run/a.yaml', '../Base.yaml', 'configs/Base.yaml'],
      ['a.yaml', 'b.yaml', 'b.yaml'],
      ['configs/a.yaml', '/abs/b.yaml', '/abs/b.yaml'],
    ])('%p + %p should be %p', (from, relative, expected) => {
      expect(reader.resolve(from, relative)).toBe(expected);
    });
  });
});

describe(normalizePath, () => {
  it.each<[string, string]>([
    ['a/./b//c', 'a/b/c'],
    ['a/../../b', '../b'],
    ['/a/../../b', '/b'],
    ['./', '.'],
  ])('%p should be %p', (path, expected) => {
    expect(normalizePath(path)).toBe(expected);
  });
});
