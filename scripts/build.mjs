// The build after `tsc -p tsconfig.build.json` (ES modules, declarations and source maps in dist/):
// 1. removes citations of the project's internal documents from the shipped files (comments in
//    .js and .d.ts, and the sources embedded in the maps), see internal-refs.mjs;
// 2. writes the CommonJS copy (dist/cjs): each module transformed on its own (no bundling, so
//    `tfjs-solver` and `tfjs-solver/node` share their modules under require() as they do under
//    import), the .d.ts files copied beside them, and dist/cjs/package.json marking the folder as
//    CommonJS. The CLI (dist/cli) stays ES modules only.
import { transform } from 'esbuild';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { find, strip } from './internal-refs.mjs';

const root = join(import.meta.dirname, '..');
const esm = join(root, 'dist');
const cjs = join(esm, 'cjs');

async function* files(dir, skip = []) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skip.includes(path)) yield* files(path, skip);
    } else yield path;
  }
}

await rm(cjs, { recursive: true, force: true });
const left = [];
for await (const path of files(esm)) {
  if (path.endsWith('.js') || path.endsWith('.d.ts')) {
    const text = strip(await readFile(path, 'utf8'));
    left.push(...find(text).map((ref) => `${relative(root, path)}: ${ref}`));
    await writeFile(path, text);
  } else if (path.endsWith('.js.map')) {
    const map = JSON.parse(await readFile(path, 'utf8'));
    map.sourcesContent = (map.sourcesContent ?? []).map((source) => (source === null ? null : strip(source)));
    await writeFile(path, JSON.stringify(map));
  }
}
if (left.length > 0) console.warn(`internal references left in dist:\n  ${left.join('\n  ')}`);

let count = 0;
for await (const path of files(esm, [join(esm, 'cli')])) {
  const target = join(cjs, relative(esm, path));
  if (path.endsWith('.d.ts')) {
    await mkdir(dirname(target), { recursive: true });
    await copyFile(path, target);
  } else if (path.endsWith('.js')) {
    const source = (await readFile(path, 'utf8')).replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
    const result = await transform(source, {
      format: 'cjs',
      target: 'node20',
      platform: 'node',
      sourcefile: relative(root, path),
      // io/node.js resolves from `require` when it exists and uses import.meta.url only otherwise.
      logOverride: { 'empty-import-meta': 'silent' },
    });
    for (const warning of result.warnings) console.warn(`${relative(root, path)}: ${warning.text}`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, result.code);
    count += 1;
  }
}
await writeFile(join(cjs, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
console.log(`dist/cjs: ${count} CommonJS modules`);
