import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// The package as a user gets it: `npm pack` (of the dist/ that `npm run build` made), the tarball
// and @tensorflow/tfjs installed into a fresh project, then the README's snippets run as ES
// modules and through require(), a TypeScript consumer compiled as ESM and as CommonJS, and a
// browser bundle built. The install prefers npm's cache (filled by `npm ci`), so it is fast offline.

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
  it(
    "should run the README's container snippet as an ES module: fit to MAX_ITER, checkpoints on disk",
    async () => {
      writeFileSync(join(project, 'plug.mjs'), snippet('plug-it-in'));
      const dir = join(project, 'esm-run');
      mkdirSync(dir);
      expect(await node(join(project, 'plug.mjs'), dir)).toContain('trained to iteration 60, lr 0.0100');
      expect(readdirSync(join(dir, 'output')).sort()).toEqual([
        'last_checkpoint',
        'metrics.json',
        'model_0000030.ckpt',
        'model_final.ckpt',
      ]);
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
        "await selectBackend('auto', { wasmPaths: '/wasm/' });",
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
      expect(readdirSync(join(project, 'page-split')).length).toBeGreaterThan(1); // the wasm backend is its own chunk
    },
    TIMEOUT,
  );
});
