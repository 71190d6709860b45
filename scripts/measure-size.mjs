// Measures what tfjs-solver costs a user, from the packed tarball, in fresh temporary projects:
//   1. install: `npm i tfjs-solver @tensorflow/tfjs` minus `npm i @tensorflow/tfjs` alone
//      (bytes on disk under node_modules, and packages), and any EBADENGINE warning; and the same
//      with the optional wasm backend (`@tensorflow/tfjs-backend-wasm`) added;
//   2. browser bundle: esbuild --bundle --minify --platform=browser of a page that builds an
//      optimizer from a plain-object config, minus the same page with tfjs alone (bytes, gzipped).
// Usage: node scripts/measure-size.mjs [package-dir] [--json] [--no-build]   (default: this
// repository; packing runs the package's prepack/prepare build unless --no-build). Needs the npm registry (or a warm npm cache).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, lstatSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const json = args.includes('--json');
const packageDir = resolve(args.find((arg) => !arg.startsWith('--')) ?? join(import.meta.dirname ?? '.', '..'));
const esbuild = join(import.meta.dirname, '..', 'node_modules', '.bin', 'esbuild');
const TFJS = '@tensorflow/tfjs@4.22.0';
const WASM = '@tensorflow/tfjs-backend-wasm@4.22.0';

function npm(cwd, ...npmArgs) {
  return execFileSync('npm', npmArgs, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function npmWithLog(cwd, ...npmArgs) {
  const log = join(cwd, 'npm.log');
  execFileSync('sh', ['-c', `npm ${npmArgs.map((a) => `'${a}'`).join(' ')} > npm.log 2>&1`], { cwd });
  return readFileSync(log, 'utf8');
}

function sizeOf(dir) {
  let bytes = 0;
  let packages = 0;
  const walk = (path, depth) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === 'package.json') continue;
        walk(child, depth + 1);
      } else if (entry.isFile()) {
        bytes += lstatSync(child).size;
        if (entry.name === 'package.json' && /node_modules\/(@[^/]+\/)?[^/@][^/]*$/.test(path)) packages += 1;
      }
    }
  };
  walk(join(dir, 'node_modules'), 0);
  return { bytes, packages };
}

function project(name, deps) {
  const dir = mkdtempSync(join(tmpdir(), `tfjs-solver-size-${name}-`));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `size-${name}`, private: true, type: 'module' }));
  const log = npmWithLog(dir, 'install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...deps);
  return { dir, log, ...sizeOf(dir) };
}

const PAGE_TFJS = `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
model.compile({ optimizer: tf.train.momentum(0.1, 0.9), loss: 'meanSquaredError' });
console.log(model.optimizer.getClassName());
`;
const PAGE_SOLVER = `import * as tf from '@tensorflow/tfjs';
import { buildOptimizer, parseConfig } from 'tfjs-solver';
const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
const config = parseConfig({ SOLVER: { BASE_LR: 0.1, MOMENTUM: 0.9, WEIGHT_DECAY: 1e-4 } });
model.compile({ optimizer: buildOptimizer(config, model), loss: 'meanSquaredError' });
console.log(model.optimizer.getClassName());
`;

function bundle(dir, name, source) {
  writeFileSync(join(dir, `${name}.js`), source);
  const out = join(dir, `${name}.bundle.js`);
  const args = [`${name}.js`, '--bundle', '--minify', '--platform=browser', '--format=esm', `--outfile=${out}`, '--log-level=error'];
  let note;
  try {
    execFileSync(esbuild, args, { cwd: dir, stdio: 'pipe' });
  } catch (error) {
    // A package that imports Node modules does not bundle for the browser; measure it with them left out.
    const errors = String(error.stderr).match(/\[ERROR\]/g)?.length ?? 0;
    note = `does not bundle for the browser (${errors} errors); measured with Node built-ins left out`;
    const builtins = builtinModules.flatMap((name) => [`--external:${name}`, `--external:node:${name}`]);
    execFileSync(esbuild, [...args, ...builtins], { cwd: dir, stdio: 'pipe' });
  }
  const code = readFileSync(out);
  return { bytes: code.length, gzip: gzipSync(code, { level: 9 }).length, ...(note === undefined ? {} : { note }) };
}

const packDir = mkdtempSync(join(tmpdir(), 'tfjs-solver-pack-'));
const packOutput = npm(
  packageDir,
  'pack',
  '--json',
  '--pack-destination',
  packDir,
  ...(args.includes('--no-build') ? ['--ignore-scripts'] : []),
);
const packed = JSON.parse(packOutput.slice(packOutput.search(/^\[/m)))[0];
const tarball = join(packDir, packed.filename);

const base = project('tfjs', [TFJS]);
const withSolver = project('solver', [tarball, TFJS]);
const withWasm = project('wasm', [tarball, TFJS, WASM]);
const pageTfjs = bundle(withSolver.dir, 'page-tfjs', PAGE_TFJS);
const pageSolver = bundle(withSolver.dir, 'page-solver', PAGE_SOLVER);
const engine = [...new Set(withSolver.log.split('\n').filter((line) => line.includes('EBADENGINE')))];

const MB = 1e6;
const result = {
  package: `${packed.name}@${packed.version}`,
  node: process.version,
  tarball: { bytes: packed.size, unpacked: packed.unpackedSize, files: packed.entryCount },
  install: {
    tfjsAlone: { bytes: base.bytes, packages: base.packages },
    withSolver: { bytes: withSolver.bytes, packages: withSolver.packages },
    added: { bytes: withSolver.bytes - base.bytes, packages: withSolver.packages - base.packages },
    addedWithWasm: { bytes: withWasm.bytes - base.bytes, packages: withWasm.packages - base.packages },
    ebadengine: engine,
  },
  bundle: {
    tfjsAlone: pageTfjs,
    withSolver: pageSolver,
    added: { bytes: pageSolver.bytes - pageTfjs.bytes, gzip: pageSolver.gzip - pageTfjs.gzip },
  },
};
for (const dir of [packDir, base.dir, withSolver.dir, withWasm.dir]) rmSync(dir, { recursive: true, force: true });

if (json) console.log(JSON.stringify(result, null, 2));
else {
  const { install, bundle: b } = result;
  console.log(`${result.package} on Node ${result.node}, npm ${npm(packageDir, '--version').trim()}, ${process.platform}-${process.arch}`);
  console.log(
    `tarball: ${(packed.size / 1e3).toFixed(0)} kB packed, ${(packed.unpackedSize / 1e3).toFixed(0)} kB unpacked, ${packed.entryCount} files`,
  );
  console.log(
    `install: @tensorflow/tfjs alone ${(install.tfjsAlone.bytes / MB).toFixed(1)} MB (${install.tfjsAlone.packages} packages); ` +
      `with tfjs-solver ${(install.withSolver.bytes / MB).toFixed(1)} MB (${install.withSolver.packages}); ` +
      `added ${(install.added.bytes / MB).toFixed(1)} MB, ${install.added.packages} packages`,
  );
  console.log(
    `install with the optional ${WASM}: added ${(install.addedWithWasm.bytes / MB).toFixed(1)} MB, ${install.addedWithWasm.packages} packages`,
  );
  console.log(`EBADENGINE: ${engine.length === 0 ? 'none' : engine.join(' | ')}`);
  console.log(
    `bundle (minified): tfjs alone ${(b.tfjsAlone.bytes / 1e3).toFixed(0)} kB / ${(b.tfjsAlone.gzip / 1e3).toFixed(0)} kB gzip; ` +
      `with buildOptimizer(parseConfig({...})) ${(b.withSolver.bytes / 1e3).toFixed(0)} kB / ${(b.withSolver.gzip / 1e3).toFixed(0)} kB gzip; ` +
      `added ${(b.added.bytes / 1e3).toFixed(0)} kB / ${(b.added.gzip / 1e3).toFixed(0)} kB gzip` +
      (b.withSolver.note === undefined ? '' : ` (${b.withSolver.note})`),
  );
}
