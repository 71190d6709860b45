// Builds the CommonJS copy of the library (dist/cjs) from the ES module build tsc wrote to dist/:
// each module is transformed on its own (no bundling, so `tfjs-solver` and `tfjs-solver/node`
// share their modules under require() as they do under import), the .d.ts files are copied beside
// them, and dist/cjs/package.json marks the folder as CommonJS. The CLI (dist/cli) stays ESM only.
// Run by `npm run build`, after `tsc -p tsconfig.build.json`.
import { transform } from 'esbuild';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const esm = join(root, 'dist');
const cjs = join(esm, 'cjs');

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== cjs && path !== join(esm, 'cli')) yield* files(path);
    } else yield path;
  }
}

await rm(cjs, { recursive: true, force: true });
let count = 0;
for await (const path of files(esm)) {
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
