import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, serve } from '../browser/harness.js';

// The package as a user gets it: `npm pack` (of the dist/ that `npm run build` made), the tarball
// and @tensorflow/tfjs installed into a fresh project, then the README's snippets run as ES
// modules and through require(), a TypeScript consumer compiled as ESM and as CommonJS, the CLI,
// and browser bundles built with esbuild, vite and webpack at their defaults. Then the optional
// wasm backend is added to the same project, and Node and the bundlers are checked with it. The
// install prefers npm's cache (filled by `npm ci`), so it is fast offline.

const run = promisify(execFile);
const repo = process.cwd();
const bin = (name: string): string => join(repo, 'node_modules', '.bin', name);
const TIMEOUT = 240_000;

let work = '';
let tarball = '';
let project = '';
let shipped: Map<string, string> = new Map();

/** The README's snippet named `name` (the ```js block after `<!-- snippet: name -->`). */
function snippet(name: string): string {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const match = new RegExp(`<!-- snippet: ${name} -->\\n\`\`\`js\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (match?.[1] === undefined) throw new Error(`README.md has no snippet ${name}`);
  return match[1];
}

/** The same program through require(): imports become requires, the rest runs in an async function. */
function asCommonJs(source: string): string {
  const lines = source.split('\n');
  const requires = lines
    .filter((line) => line.startsWith('import '))
    .map((line) =>
      line
        .replace(/^import \* as (\w+) from ('[^']+');$/, 'const $1 = require($2);')
        .replace(/^import (\{[^}]+\}) from ('[^']+');$/, 'const $1 = require($2);'),
    );
  const body = lines.filter((line) => !line.startsWith('import ')).join('\n');
  return `${requires.join('\n')}\n(async () => {\n${body}\n})().catch((error) => {\n  console.error(error);\n  process.exitCode = 1;\n});\n`;
}

async function node(script: string, cwd: string): Promise<string> {
  const { stdout } = await run(process.execPath, [script], { cwd });
  return stdout;
}

const WASM = '@tensorflow/tfjs-backend-wasm';

/**
 * A page that builds an optimizer from a plain config and trains one step, then prints the backend,
 * the loss and the weights as JSON. Dense(1) from weights 1 and bias 0 on inputs (1, 1), target 1.
 */
function solverPage(select: string): string {
  return [
    "import * as tf from '@tensorflow/tfjs';",
    "import { buildOptimizer, parseConfig, selectBackend } from 'tfjs-solver';",
    `const chosen = await selectBackend(${select});`,
    'const config = parseConfig({ SOLVER: { BASE_LR: 0.1, MOMENTUM: 0.9, WEIGHT_DECAY: 1e-4 } });',
    "const dense = tf.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'ones', biasInitializer: 'zeros' });",
    'const model = tf.sequential({ layers: [dense] });',
    "model.compile({ optimizer: buildOptimizer(config, model), loss: 'meanSquaredError' });",
    'const history = await model.fit(tf.ones([4, 2]), tf.ones([4, 1]), { epochs: 1, batchSize: 4, verbose: 0 });',
    'const [kernel, bias] = await Promise.all(model.getWeights().map((w) => w.data()));',
    'console.log(JSON.stringify({ backend: chosen.name, loss: history.history.loss[0], kernel: [...kernel], bias: [...bias] }));',
  ].join('\n');
}

interface OneStep {
  readonly backend: string;
  readonly loss: number;
  readonly kernel: number[];
  readonly bias: number[];
}

/**
 * The page's step, by hand: prediction 1 + 1 = 2, MSE loss (2 − 1)² = 1, gradient 2·(2 − 1)·1 = 2
 * for each weight and the bias. SGD's first step (momentum buffer = gradient), decay on weights:
 * w = 1 − 0.1·(2 + 1e-4·1) = 0.79999, b = 0 − 0.1·(2 + 1e-4·0) = −0.2.
 */
function expectOneStep(out: OneStep, backend: string): void {
  expect(out.backend).toBe(backend);
  expect(out.loss).toBeCloseTo(1, 5);
  expect(out.kernel).toHaveLength(2);
  for (const w of out.kernel) expect(w).toBeCloseTo(1 - 0.1 * (2 + 1e-4), 5);
  expect(out.bias).toHaveLength(1);
  expect(out.bias[0]).toBeCloseTo(-0.2, 5);
}

/** Opens `dir`/index.html in headless Chromium (served on 127.0.0.1) and resolves to what the page printed as JSON. */
async function runPage(dir: string): Promise<OneStep> {
  const server = await serve(dir);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  try {
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const printed = new Promise<string>((resolve, reject) => {
        page.on('console', (message) => {
          if (message.text().startsWith('{')) resolve(message.text());
        });
        page.on('pageerror', reject);
      });
      await page.goto(`http://127.0.0.1:${port}/`);
      return JSON.parse(await printed) as OneStep;
    } finally {
      await browser.close();
    }
  } finally {
    server.close();
  }
}

/** Copies the wasm backend's binaries to `dir`/wasm/, where the pages' `wasmPaths` point. */
function serveWasmFiles(dir: string): void {
  const from = join(project, 'node_modules', ...WASM.split('/'), 'dist');
  mkdirSync(join(dir, 'wasm'), { recursive: true });
  for (const name of readdirSync(from).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(from, name), join(dir, 'wasm', name));
}

/** The same page with tfjs alone: what the bundlers say about tfjs itself. */
const TFJS_PAGE = [
  "import * as tf from '@tensorflow/tfjs';",
  'const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });',
  "model.compile({ optimizer: tf.train.momentum(0.1, 0.9), loss: 'meanSquaredError' });",
  'const history = await model.fit(tf.ones([4, 2]), tf.ones([4, 1]), { epochs: 1, batchSize: 4, verbose: 0 });',
  'console.log(tf.getBackend(), history.history.loss[0]);',
].join('\n');

interface BundleReport {
  readonly errors: string[];
  readonly warnings: string[];
  readonly files: string[];
}

/**
 * Bundles `page` with vite (`vite build` of an index.html loading it) or webpack (production,
 * target web); `out` is the output folder, with an index.html that loads the bundle.
 */
async function bundleWith(bundler: 'vite' | 'webpack', name: string, page: string): Promise<BundleReport & { code: string; out: string }> {
  const dir = join(project, `${bundler}-${name}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'page.js'), page);
  writeFileSync(join(dir, 'index.html'), '<!doctype html>\n<html><body><script type="module" src="./page.js"></script></body></html>\n');
  const { stdout } = await run(process.execPath, [join(repo, 'test', 'package', 'bundlers.mjs'), bundler, dir], {
    cwd: repo,
    maxBuffer: 1 << 24,
  });
  const report = JSON.parse(stdout) as BundleReport;
  const code = report.files
    .filter((file) => file.endsWith('.js'))
    .map((file) => readFileSync(join(dir, file), 'utf8'))
    .join('\n');
  const out = join(dir, 'dist');
  if (bundler === 'webpack' && existsSync(join(out, 'main.js'))) {
    writeFileSync(join(out, 'index.html'), '<!doctype html>\n<html><body><script src="main.js"></script></body></html>\n');
  }
  return { ...report, code, out };
}

/**
 * The kind of a bundler warning: its first line of text, numbers and hashes blanked, so that
 * "asset size limit … (873 KiB)" of one page and "(945 KiB)" of another are the same kind.
 */
function kindOf(warning: string): string {
  const line = warning.split('\n').find((l) => l.trim() !== '' && !l.startsWith('[plugin')) ?? '';
  return line.replace(/[0-9a-f]{8,}|[0-9.]+/gi, '#').trim();
}

/**
 * Warnings of a page with tfjs-solver that are ours: a kind the same bundler does not also give
 * for tfjs alone, or one whose subject (its first line; webpack puts the module there) is a
 * tfjs-solver module. A size warning that lists tfjs-solver among the largest modules is tfjs's.
 */
function warningsOfOurs(withSolver: readonly string[], tfjsAlone: readonly string[]): string[] {
  const theirs = new Set(tfjsAlone.map(kindOf));
  return withSolver.filter((warning) => !theirs.has(kindOf(warning)) || kindOf(warning).includes('tfjs-solver'));
}

/** tfjs alone, per bundler, bundled once (the baseline of warningsOfOurs). */
const baseline = new Map<string, Promise<BundleReport>>();
function tfjsAloneWith(bundler: 'vite' | 'webpack'): Promise<BundleReport> {
  const cached = baseline.get(bundler) ?? bundleWith(bundler, 'tfjs-alone', TFJS_PAGE);
  baseline.set(bundler, cached);
  return cached;
}

beforeAll(async () => {
  if (!existsSync(join(repo, 'dist', 'cjs', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  work = mkdtempSync(join(tmpdir(), 'tfjs-solver-consumer-'));
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: repo });
  const packed = JSON.parse(stdout.slice(stdout.search(/^\[/m))) as { filename: string }[];
  tarball = join(work, packed[0]?.filename ?? '');
  const unpacked = join(work, 'unpacked');
  mkdirSync(unpacked);
  await run('tar', ['-xzf', tarball, '-C', unpacked]);
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  const root = join(unpacked, 'package');
  shipped = new Map(walk(root).map((path) => [path.slice(root.length + 1), readFileSync(path, 'utf8')]));

  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball, '@tensorflow/tfjs@4.22.0'], {
    cwd: project,
  });
}, TIMEOUT);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('should ship the builds, the CLI, LICENSE and README, and no sources or tests', () => {
    const names = [...shipped.keys()];
    for (const name of [
      'LICENSE',
      'README.md',
      'package.json',
      'dist/index.js',
      'dist/node.d.ts',
      'dist/cjs/node.js',
      'dist/cjs/package.json',
    ]) {
      expect(names).toContain(name);
    }
    expect(names.filter((name) => /^(src|test|scripts|api|docs)\//.test(name))).toEqual([]);
    expect(shipped.get('LICENSE')).toMatch(/Apache License\s+Version 2\.0, January 2004[\s\S]*END OF TERMS AND CONDITIONS/);
  });

  it('should name its repository, homepage and bug tracker, and run nothing at install', () => {
    const manifest = JSON.parse(shipped.get('package.json') ?? '{}') as Record<string, unknown>;
    expect(manifest.repository).toMatchObject({ type: 'git', url: expect.stringMatching(/^git\+https:\/\//) });
    expect(manifest.homepage).toMatch(/^https:\/\//);
    expect(manifest.bugs).toMatchObject({ url: expect.stringMatching(/^https:\/\//) });
    const scripts = Object.keys(manifest.scripts ?? {});
    expect(scripts.filter((name) => ['prepare', 'preinstall', 'install', 'postinstall'].includes(name))).toEqual([]);
  });

  it('should have source maps whose sources resolve (embedded)', () => {
    const maps = [...shipped.entries()].filter(([name]) => name.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(30);
    const unresolved = maps.flatMap(([name, text]) => {
      const map = JSON.parse(text) as { sources: string[]; sourcesContent?: (string | null)[] };
      return map.sources.filter((_, i) => typeof map.sourcesContent?.[i] !== 'string').map((source) => `${name}: ${source}`);
    });
    expect(unresolved).toEqual([]);
    const withoutMap = [...shipped.keys()].filter((name) => /^dist\/(?!cjs\/).*\.js$/.test(name) && !shipped.has(`${name}.map`));
    expect(withoutMap).toEqual([]);
  });

  it('should cite no internal documents or issues', () => {
    const internal = /SPEC §|NOTES §|(?:SPEC|NOTES|DESIGN|STYLE)\.md|\bissue #?\d+/i;
    const cited = [...shipped.entries()]
      .filter(([, text]) => internal.test(text))
      .map(([name, text]) => `${name}: ${internal.exec(text)?.[0]}`);
    expect(cited).toEqual([]);
  });

  it('should link only absolute URLs from README.md (it is read on the npm page)', () => {
    const links = [...(shipped.get('README.md') ?? '').matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1] ?? '');
    expect(links.length).toBeGreaterThan(5);
    expect(links.filter((link) => !link.startsWith('https://'))).toEqual([]);
  });

  it(
    'should pass arethetypeswrong (node16, ESM and CJS) and publint',
    async () => {
      await expect(run(bin('attw'), [tarball, '--profile', 'node16', '--format', 'ascii'])).resolves.toBeDefined();
      const { stdout } = await run(bin('publint'), ['run', tarball, '--strict']);
      expect(stdout).toContain('All good!');
    },
    TIMEOUT,
  );
});

describe('in a fresh project with the tarball and @tensorflow/tfjs', () => {
  it('should not install the optional wasm backend, and import it nowhere in the browser entry', () => {
    expect(existsSync(join(project, 'node_modules', ...WASM.split('/')))).toBe(false);
    // A literal import()/require() of an uninstalled package breaks a user's bundle; only the Node
    // entry may load it, by a name held in a variable.
    const literal = /(?:import|require)\(\s*["'`]@tensorflow\/tfjs-backend-wasm["'`]\s*\)/;
    const code = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, ''); // comments are not imports
    const importing = [...shipped.entries()]
      .filter(([name, text]) => name.endsWith('.js') && literal.test(code(text)))
      .map(([name]) => name);
    expect(literal.test(shipped.get('dist/backend/selectBackend.js') ?? '')).toBe(true); // its TSDoc shows the user's import
    expect(importing).toEqual([]);
  });

  it(
    "should run the CLI's schedule command (hand values: warmup from 0.1 x 0.001, x0.1 at 40)",
    async () => {
      writeFileSync(join(project, 'schedule.yaml'), 'SOLVER:\n  BASE_LR: 0.1\n  MAX_ITER: 60\n  STEPS: (40,)\n  WARMUP_ITERS: 10\n');
      const cli = join(project, 'node_modules', '.bin', 'tfjs-solver');
      const { stdout } = await run(cli, ['schedule', '--config', 'schedule.yaml', '--json', '--every', '20'], { cwd: project });
      const printed = JSON.parse(stdout) as { iteration: number[]; lr: number[] };
      expect(printed.iteration).toEqual([0, 20, 40]);
      expect(printed.lr).toHaveLength(3);
      [0.1 * 0.001, 0.1, 0.1 * 0.1].forEach((lr, i) => {
        expect(printed.lr[i]).toBeCloseTo(lr, 12);
      });
    },
    TIMEOUT,
  );

  it(
    "should fall back to cpu in Node's auto with one line naming the wasm install, and fail 'wasm' with it",
    async () => {
      const script = [
        "import { selectBackend, SolverError } from 'tfjs-solver/node';",
        'const lines = [];',
        "const chosen = await selectBackend('auto', { logger: { info: (m) => lines.push(m), warn: (m) => lines.push(m) } });",
        "const failure = await selectBackend('wasm').catch((error) => error);",
        'console.log(JSON.stringify({ name: chosen.name, lines, isSolverError: SolverError.is(failure), message: failure.message }));',
      ].join('\n');
      writeFileSync(join(project, 'backend.mjs'), script);
      const out = JSON.parse(await node(join(project, 'backend.mjs'), project)) as Record<string, unknown>;
      expect(out).toEqual({
        name: 'cpu',
        lines: [
          'backend: cpu (skipped tfjs-node-gpu: not installed; tfjs-node: not installed; wasm: not installed); ' +
            'npm i @tensorflow/tfjs-backend-wasm@4.22.0 makes it faster',
        ],
        isSolverError: true,
        message:
          "backend 'wasm' is not available: wasm (@tensorflow/tfjs-backend-wasm): @tensorflow/tfjs-backend-wasm is not installed; " +
          'npm i @tensorflow/tfjs-backend-wasm@4.22.0 (an optional peer of tfjs-solver), or use --backend cpu',
      });
    },
    TIMEOUT,
  );

  it(
    "should run the README's container snippet as an ES module: fit to MAX_ITER, checkpoints on disk",
    async () => {
      writeFileSync(join(project, 'plug.mjs'), snippet('plug-it-in'));
      const dir = join(project, 'esm-run');
      mkdirSync(dir);
      expect(await node(join(project, 'plug.mjs'), dir)).toContain('trained to iteration 60, lr 0.0100');
      const files = readdirSync(join(dir, 'output')).sort();
      expect(files).toEqual(['last_checkpoint', 'metrics.json', 'model_0000030.ckpt', 'model_final.ckpt']);
      // The sentence after the snippet names what the run leaves: the same files.
      const readme = readFileSync(join(repo, 'README.md'), 'utf8');
      const after = readme.slice(readme.indexOf('<!-- snippet: plug-it-in -->'));
      const sentence = /It prints [\s\S]*?in `\.\/output`\./.exec(after)?.[0] ?? '';
      const named = [...sentence.matchAll(/`(model_[^`]+|last_checkpoint|metrics\.json)`/g)].map((m) => m[1]).sort();
      expect(named).toEqual(files);
    },
    TIMEOUT,
  );

  it(
    'should run the same snippet through require()',
    async () => {
      writeFileSync(join(project, 'plug.cjs'), asCommonJs(snippet('plug-it-in')));
      const dir = join(project, 'cjs-run');
      mkdirSync(dir);
      expect(await node(join(project, 'plug.cjs'), dir)).toContain('trained to iteration 60, lr 0.0100');
      expect(existsSync(join(dir, 'output', 'model_final.ckpt'))).toBe(true);
    },
    TIMEOUT,
  );

  it(
    "should run the README's container-free snippet as ESM and through require()",
    async () => {
      writeFileSync(join(project, 'free.mjs'), snippet('container-free'));
      writeFileSync(join(project, 'free.cjs'), asCommonJs(snippet('container-free')));
      expect(await node(join(project, 'free.mjs'), project)).toContain('lr 0.0100 at iteration 60');
      expect(await node(join(project, 'free.cjs'), project)).toContain('lr 0.0100 at iteration 60');
    },
    TIMEOUT,
  );

  it(
    'should typecheck a TypeScript consumer with module NodeNext, as type module and as type commonjs',
    async () => {
      const consumer = [
        "import * as tf from '@tensorflow/tfjs';",
        "import { loadConfigText, memoryFileStore, type SolverConfig, SolverError } from 'tfjs-solver';",
        "import { createSolver, loadConfig, nodeFileStore, solverContainer, TOKENS } from 'tfjs-solver/node';",
        'export async function train(model: tf.LayersModel): Promise<number> {',
        "  const config: SolverConfig = loadConfigText('SOLVER:\\n  BASE_LR: 0.1\\n');",
        "  const fromDisk: SolverConfig = await loadConfig('run.yaml');",
        '  const container = solverContainer(fromDisk.SOLVER.BASE_LR > 0 ? config : fromDisk);',
        '  container.bind(TOKENS.Model).toConstantValue(model);',
        '  container.bind(TOKENS.FileStore).toConstantValue(Math.random() > 2 ? memoryFileStore() : nodeFileStore);',
        '  // @ts-expect-error a string is not a model',
        "  container.bind(TOKENS.Model).toConstantValue('not a model');",
        '  const bound: tf.LayersModel = container.get(TOKENS.Model);',
        '  const solver = await createSolver(container);',
        '  try {',
        '    await solver.fit(bound, tf.zeros([4, 2]), tf.zeros([4, 1]));',
        '  } catch (error: unknown) {',
        "    if (SolverError.is(error, 'config')) return -1;",
        '  }',
        '  return solver.startIter;',
        '}',
      ].join('\n');
      const tsconfig = {
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          strict: true,
          noEmit: true,
          types: [],
        },
        files: ['consumer.ts'],
      };
      for (const type of ['module', 'commonjs']) {
        const dir = join(project, `ts-${type}`);
        mkdirSync(dir);
        writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `ts-${type}`, private: true, type }));
        writeFileSync(
          join(dir, 'tsconfig.json'),
          JSON.stringify({ ...tsconfig, compilerOptions: { ...tsconfig.compilerOptions, skipLibCheck: true } }),
        );
        writeFileSync(join(dir, 'consumer.ts'), consumer);
        const result = await run(bin('tsc'), ['-p', dir]).then(
          () => '',
          (error: unknown) => (error as { stdout: string }).stdout,
        );
        expect(`${type}: ${result}`).toBe(`${type}: `);
      }
    },
    TIMEOUT,
  );

  it(
    'should bundle for the browser with esbuild: no errors or warnings, no Node module',
    async () => {
      const page = [
        "import * as tf from '@tensorflow/tfjs';",
        "import { buildOptimizer, createSolver, indexedDbFileStore, loadConfigText, selectBackend, solverContainer, TOKENS } from 'tfjs-solver';",
        "const config = loadConfigText('SOLVER:\\n  BASE_LR: 0.1\\n  MAX_ITER: 20\\n  STEPS: []\\n');",
        "await selectBackend('auto');",
        'const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });',
        'const container = solverContainer(config);',
        'container.bind(TOKENS.Model).toConstantValue(model);',
        'container.bind(TOKENS.FileStore).toConstantValue(indexedDbFileStore());',
        'const solver = await createSolver(container, { resume: true });',
        'console.log(solver.optimizer.getClassName(), buildOptimizer(config, model).getClassName());',
      ].join('\n');
      writeFileSync(join(project, 'page.js'), page);
      for (const args of [
        ['--format=esm', '--outfile=page.bundle.js'],
        ['--format=esm', '--splitting', '--outdir=page-split'],
      ]) {
        const { stderr } = await run(
          bin('esbuild'),
          ['page.js', '--bundle', '--minify', '--platform=browser', '--log-level=warning', ...args],
          {
            cwd: project,
          },
        );
        expect(stderr).toBe('');
      }
      const outputs = [
        join(project, 'page.bundle.js'),
        ...readdirSync(join(project, 'page-split')).map((name) => join(project, 'page-split', name)),
      ];
      // A Node built-in would appear as a `node:` specifier; esbuild fails on unresolved bare ones (stderr above).
      const nodeModules = outputs.filter((path) => /["'`]node:/.test(readFileSync(path, 'utf8')));
      expect(nodeModules).toEqual([]);
    },
    TIMEOUT,
  );

  for (const bundler of ['vite', 'webpack'] as const) {
    it(
      `should bundle a page that trains with a config object with ${bundler}'s defaults: no errors, no warnings of ours, one step on webgl in Chromium`,
      async () => {
        const [alone, page] = await Promise.all([tfjsAloneWith(bundler), bundleWith(bundler, 'solver', solverPage("'auto'"))]);
        expect(alone.errors).toEqual([]);
        expect(page.errors).toEqual([]);
        expect(warningsOfOurs(page.warnings, alone.warnings)).toEqual([]);
        expect(page.code).toContain('BASE_LR'); // the library is in the bundle (not tree-shaken away)
        expect(page.code).not.toMatch(/["'`]node:/);
        expectOneStep(await runPage(page.out), 'webgl'); // auto in a page: webgl first
      },
      TIMEOUT,
    );
  }
});

describe('in the same project after npm i @tensorflow/tfjs-backend-wasm@4.22.0', () => {
  beforeAll(async () => {
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', `${WASM}@4.22.0`], { cwd: project });
  }, TIMEOUT);

  it(
    "should pick wasm in Node's auto, found by name, and train on it",
    async () => {
      writeFileSync(
        join(project, 'wasm-node.mjs'),
        solverPage("'auto', { logger: console }").replace("from 'tfjs-solver'", "from 'tfjs-solver/node'"),
      );
      const [line, printed, ...rest] = (await node(join(project, 'wasm-node.mjs'), project)).split('\n');
      expect(line).toBe('backend: wasm (skipped tfjs-node-gpu: not installed; tfjs-node: not installed)');
      expectOneStep(JSON.parse(printed ?? '') as OneStep, 'wasm');
      expect(rest.join('')).toBe('');
    },
    TIMEOUT,
  );

  const wasmPage = solverPage(`'wasm', { wasm: () => import('${WASM}'), wasmPaths: '/wasm/' }`);

  it(
    'should bundle a page passing wasm to selectBackend with esbuild (splitting): wasm in a chunk of its own, no warnings',
    async () => {
      writeFileSync(join(project, 'wasm-page.js'), wasmPage);
      const { stderr } = await run(
        bin('esbuild'),
        [
          'wasm-page.js',
          '--bundle',
          '--minify',
          '--platform=browser',
          '--log-level=warning',
          '--format=esm',
          '--splitting',
          '--outdir=wasm-split',
        ],
        { cwd: project },
      );
      expect(stderr).toBe('');
      const chunks = readdirSync(join(project, 'wasm-split')).map((name) => readFileSync(join(project, 'wasm-split', name), 'utf8'));
      // The wasm backend (which names its binaries) is loaded on demand: a chunk without the library's config code.
      expect(chunks.length).toBeGreaterThan(1);
      expect(chunks.filter((code) => code.includes('tfjs-backend-wasm-simd.wasm') && !code.includes('BASE_LR'))).toHaveLength(1);
    },
    TIMEOUT,
  );

  for (const bundler of ['vite', 'webpack'] as const) {
    it(
      `should bundle the page passing wasm with ${bundler}'s defaults: no errors, no warnings of ours, one step on wasm in Chromium`,
      async () => {
        const [alone, page] = await Promise.all([tfjsAloneWith(bundler), bundleWith(bundler, 'wasm', wasmPage)]);
        expect(page.errors).toEqual([]);
        expect(warningsOfOurs(page.warnings, alone.warnings)).toEqual([]);
        expect(page.code).toContain('tfjs-backend-wasm-simd.wasm'); // the backend was bundled
        serveWasmFiles(page.out);
        expectOneStep(await runPage(page.out), 'wasm');
      },
      TIMEOUT,
    );
  }
});
