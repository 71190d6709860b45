import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

// DESIGN.md "Where it runs": everything below src/cli imports nothing from Node, except the Node
// implementations of the small file interfaces, whose file names start with `node`.
const IMPORT: RegExp = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
const builtins: ReadonlySet<string> = new Set(builtinModules);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === join('src', 'cli') ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.startsWith('node') ? [path] : [];
  });
}

function nodeImportsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(IMPORT)]
    .map((match) => match[1] ?? '')
    .filter((specifier) => specifier.startsWith('node:') || builtins.has(specifier.split('/')[0] ?? ''));
}

describe('src outside src/cli', () => {
  describe('having files not named node*.ts', () => {
    it('should import no Node built-in module, so the library runs in a browser', () => {
      const offenders = sourceFiles('src').flatMap((path) =>
        nodeImportsOf(path).map((specifier) => `${relative('.', path)}: ${specifier}`),
      );
      expect(offenders).toEqual([]);
    });
  });

  describe('when the check itself is tried on a Node file', () => {
    it('should find its Node imports', () => {
      expect(nodeImportsOf(join('src', 'io', 'node.ts'))).toEqual([
        'node:crypto',
        'node:fs',
        'node:fs/promises',
        'node:module',
        'node:os',
        'node:path',
      ]);
    });
  });
});
