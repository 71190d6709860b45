import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { loadConfig, loadConfigText, MAX_CONFIG_BYTES, parseYamlText } from '../../src/config/yaml.js';
import { formatValue, MAX_MESSAGE_CHARS, SolverError } from '../../src/errors.js';
import { memoryTextFileReader } from '../../src/io/interfaces.js';
import { nodeTextFileReader } from '../../src/io/node.js';

// The loader's bounds: every input ends in a valid config or a SolverError that names the key and
// the file, quickly, in time linear in its size, with messages of bounded length.

const dir: string = mkdtempSync(join(tmpdir(), 'loader-bounds-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The SolverError `run` throws (or rejects with); any other outcome fails the test. */
async function solverErrorOf(run: () => unknown): Promise<SolverError> {
  try {
    await run();
  } catch (error: unknown) {
    if (SolverError.is(error)) return error;
    throw new Error(`expected a SolverError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a SolverError, got a config');
}

describe('the config loader', () => {
  describe('having an alias inside its own anchor (a: &a [*a])', () => {
    it('should refuse the list that contains itself, naming the key and the file (was: RangeError)', async () => {
      const reader = memoryTextFileReader({ 'cycle.yaml': 'a: &a [*a]\n' });
      const error = await solverErrorOf(() => loadConfig('cycle.yaml', [], { reader }));
      expect(error.kind).toBe('config');
      expect(error.message).toBe(
        'a[0]: got a value that contains itself (in cycle.yaml), expected data without cycles (a YAML alias inside its own anchor)',
      );
    });

    it('should refuse a mapping that contains itself too', async () => {
      const error = await solverErrorOf(() => parseYamlText('SOLVER: &s\n  inner: *s\n', 'map.yaml'));
      expect(error.message.startsWith('SOLVER.inner: got a value that contains itself (in map.yaml)')).toBe(true);
    });
  });

  describe('having BASE_LR: !!merge x', () => {
    it('should end in a config SolverError naming SOLVER.BASE_LR and the file (was: TypeError in the value printer)', async () => {
      const error = await solverErrorOf(() => loadConfigText('SOLVER:\n  BASE_LR: !!merge x\n', 'merge.yaml'));
      expect(error.message).toBe('SOLVER.BASE_LR: got "x", expected a finite number >= 0 (in merge.yaml)');
    });

    it('should refuse the symbol a merge tag stands for when it comes as data, naming the key', async () => {
      const error = await solverErrorOf(() => parseConfig({ SOLVER: { BASE_LR: Symbol('<<') } }, 'data'));
      expect(error.message).toBe(
        'SOLVER.BASE_LR: got the symbol << (in data), expected plain data (a number, string, boolean, null, list or mapping)',
      );
    });

    it('should print any value without throwing', () => {
      const cyclic: unknown[] = [];
      cyclic.push(cyclic);
      expect([Symbol('<<'), 10n, cyclic, () => 1, undefined, new Map([[1, 2]])].map(formatValue)).toEqual([
        'Symbol(<<)',
        '10',
        '[object Array]',
        'a function',
        'nothing',
        '{}',
      ]);
    });
  });

  describe.each([
    ['!!set {a, b}', 'SOLVER.BASE_LR: got "!!set {a, b}"'],
    ['!!binary aGVsbG8=', 'SOLVER.BASE_LR: got "aGVsbG8="'],
    ['!!timestamp 2001-12-14', 'SOLVER.BASE_LR: got "2001-12-14"'],
  ])('having the YAML 1.1 tag BASE_LR: %s', (value: string, start: string) => {
    it('should read it as plain text and refuse it by the key rule', async () => {
      const error = await solverErrorOf(() => loadConfigText(`SOLVER:\n  BASE_LR: ${value}\n`, 'tag.yaml'));
      expect(error.message.startsWith(start) || error.message.startsWith('SOLVER.BASE_LR: got {')).toBe(true);
      expect(error.message.endsWith('expected a finite number >= 0 (in tag.yaml)')).toBe(true);
    });
  });

  describe('having a _BASE_ that is not a regular file', () => {
    const fifo: string = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    writeFileSync(join(dir, 'fifo.yaml'), '_BASE_: fifo\n');
    writeFileSync(join(dir, 'random.yaml'), '_BASE_: /dev/urandom\n');
    writeFileSync(join(dir, 'dot.yaml'), '_BASE_: .\n');
    it.each([
      ['fifo.yaml', fifo],
      ['random.yaml', '/dev/urandom'],
      ['dot.yaml', dir],
    ])('should refuse %s within 1 s, naming _BASE_, the file that names it and the target (was: hang / EISDIR)', async (file, target) => {
      const started: number = performance.now();
      const error = await solverErrorOf(() => loadConfig(join(dir, file), [], { reader: nodeTextFileReader }));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(error.kind).toBe('io');
      expect(error.message).toBe(
        `_BASE_: cannot read ${JSON.stringify(target)} (named in ${join(dir, file)}): ${target}: not a regular file (a directory, pipe or device is never read)`,
      );
    });
  });

  describe('having a _BASE_ larger than the bound', () => {
    it('should refuse it by its size, naming _BASE_ and both files', async () => {
      writeFileSync(join(dir, 'huge.yaml'), `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
      writeFileSync(join(dir, 'uses-huge.yaml'), '_BASE_: huge.yaml\n');
      const error = await solverErrorOf(() => loadConfig(join(dir, 'uses-huge.yaml'), [], { reader: nodeTextFileReader }));
      expect(error.message).toBe(
        `_BASE_: cannot read ${JSON.stringify(join(dir, 'huge.yaml'))} (named in ${join(dir, 'uses-huge.yaml')}): ` +
          `${join(dir, 'huge.yaml')}: ${MAX_CONFIG_BYTES + 3} bytes, expected at most ${MAX_CONFIG_BYTES}`,
      );
    });

    it('should refuse config text over the bound without parsing it', async () => {
      const error = await solverErrorOf(() => loadConfigText(`# ${'x'.repeat(MAX_CONFIG_BYTES)}`, 'big.yaml'));
      expect(error.message).toBe(`big.yaml: got ${MAX_CONFIG_BYTES + 2} characters, expected a config of at most ${MAX_CONFIG_BYTES}`);
    });
  });

  describe('having a chain of _BASE_ files deeper than 16', () => {
    it('should stop with a config SolverError', async () => {
      const files: Record<string, string> = {};
      for (let k = 0; k < 20; k += 1) files[`c${k}.yaml`] = `_BASE_: c${k + 1}.yaml\n`;
      files['c20.yaml'] = 'SEED: 1\n';
      const error = await solverErrorOf(() => loadConfig('c0.yaml', [], { reader: memoryTextFileReader(files) }));
      expect(error.message).toBe('_BASE_: more than 16 files deep (in c15.yaml), expected a shorter chain');
    });
  });

  describe('having a document nested 100,000 levels deep', () => {
    it('should refuse it at once with a config SolverError naming the file and the place', async () => {
      const error = await solverErrorOf(() => loadConfigText(`a: ${'['.repeat(100000)}${']'.repeat(100000)}\n`, 'deep.yaml'));
      expect(error.kind).toBe('config');
      expect(error.message).toBe('deep.yaml: invalid YAML: nested more than 32 levels deep at line 1, column 36');
    });

    it('should refuse 1,400 levels of indentation (about 1 MB) with a config SolverError', async () => {
      let text = 'a:\n';
      for (let i = 1; i < 1400; i += 1) text += `${' '.repeat(i)}b:\n`;
      const error = await solverErrorOf(() => loadConfigText(text, 'indent.yaml'));
      expect(error.message).toMatch(/^indent\.yaml: invalid YAML: |^a(\.b)+: nested more than 32 levels deep \(in indent\.yaml\)/);
    });
  });

  describe('having a file of many keys', () => {
    // ~1 MB: 75,000 top-level keys of other tools. Before: parse time quadratic (40k keys 13.5 s;
    // the duplicate-key check alone took minutes for 100k).
    const lines: string[] = ['SOLVER:', '  BASE_LR: 0.5'];
    for (let k = 0; lines.join('\n').length < MAX_CONFIG_BYTES - 64; k += 1) lines.push(`OTHER_TOOL_KEY_${k}: ${k}`);
    const text: string = `${lines.join('\n')}\n`;

    it('should load it (ignoring the foreign keys with one capped warning) in time linear in its size', () => {
      const warnings: string[] = [];
      const logger = { info: (): void => undefined, warn: (m: string): void => void warnings.push(m) };
      const started: number = performance.now();
      const config = loadConfigText(text, 'many.yaml', [], { logger });
      const seconds: number = (performance.now() - started) / 1000;
      expect(config.SOLVER.BASE_LR).toBe(0.5);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.length).toBeLessThan(1000);
      expect(warnings[0]).toMatch(/ and \d+ more \(in many\.yaml\)$/);
      // The target is 1 s on an idle machine (docs/reliability.md); the bound here leaves room for
      // a loaded CI runner while still failing for quadratic time (minutes at this size).
      expect(seconds).toBeLessThan(15);
    });

    it('should find a duplicate key among them, naming line and column', async () => {
      const error = await solverErrorOf(() => loadConfigText(`${text}OTHER_TOOL_KEY_7: again\n`, 'dup.yaml'));
      expect(error.message).toBe(
        `dup.yaml: invalid YAML: Map keys must be unique at line ${lines.length + 1}, column 1 ("OTHER_TOOL_KEY_7" appears twice)`,
      );
    });
  });

  describe('having values whose message would be huge', () => {
    it('should cut a long value to 80 characters', async () => {
      const steps: number[] = Array.from({ length: 50000 }, (_v, k: number) => 50000 - k);
      const error = await solverErrorOf(() => parseConfig({ SOLVER: { STEPS: steps } }, 'steps.yaml'));
      expect(error.message).toBe(
        `SOLVER.STEPS: got ${JSON.stringify(steps).slice(0, 77)}..., expected a list of strictly increasing integers > 0, like [60000, 80000] or (60000, 80000) (in steps.yaml)`,
      );
    });

    it('should list at most 10 broken rules and count the rest', async () => {
      const solver: Record<string, number> = {};
      for (const key of ['MAX_ITER', 'BASE_LR', 'BASE_LR_END', 'MOMENTUM', 'WEIGHT_DECAY', 'WEIGHT_DECAY_NORM', 'GAMMA', 'NUM_DECAYS'])
        solver[key] = -1;
      for (const key of ['WARMUP_FACTOR', 'WARMUP_ITERS', 'CHECKPOINT_PERIOD', 'IMS_PER_BATCH', 'BIAS_LR_FACTOR']) solver[key] = -1;
      const error = await solverErrorOf(() => parseConfig({ SOLVER: solver }, 'many.yaml'));
      expect(error.message.split('; ')).toHaveLength(11);
      expect(error.message.endsWith('; and 3 more')).toBe(true);
    });

    it('should cut any message to MAX_MESSAGE_CHARS and say how much was left out', async () => {
      const key: string = 'K'.repeat(300000);
      const error = await solverErrorOf(() => parseConfig({ SOLVER: { [key]: 1 } }, 'long-key.yaml'));
      expect(error.message.length).toBeLessThan(MAX_MESSAGE_CHARS + 40);
      expect(error.message).toMatch(/^SOLVER\.K+\.\.\. \(\d+ more characters\)$/);
    });
  });
});
