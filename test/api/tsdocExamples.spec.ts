import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compileExamples, exampleModules, isRunnable, tsdocExamples } from './tsdocExamples.js';

// Every `@example` in src/ compiles as a user's code would (see tsdocExamples.ts), and the ones that
// need nothing around them also run.

const examples = tsdocExamples();

describe('the TSDoc examples in src/', () => {
  it('should be found (the extractor reads every doc comment)', () => {
    expect(examples.length).toBeGreaterThan(80);
    expect(examples.some((e) => e.where.startsWith(join('src', 'errors.ts')))).toBe(true);
  });

  it('should each compile, with every promise awaited', () => {
    const errors = compileExamples(examples);
    expect(Object.fromEntries(errors)).toEqual({});
  });

  it('should each run when it needs nothing around it', async () => {
    const runnable = examples.filter(isRunnable);
    expect(runnable.length).toBeGreaterThan(15);
    const dir = join(process.cwd(), 'test', 'api', '.examples-run');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    try {
      const modules = exampleModules(runnable, dir);
      for (const [path, text] of modules) writeFileSync(path, text);
      const paths = [...modules.keys()];
      const runner = [
        `const paths = ${JSON.stringify(paths)};`,
        `const wheres = ${JSON.stringify(runnable.map((e) => e.where))};`,
        'const failures = {};',
        'for (let i = 0; i < paths.length; i += 1) {',
        '  try { await import(paths[i]); } catch (error) { failures[wheres[i]] = String(error?.message ?? error); }',
        '}',
        'process.stdout.write(JSON.stringify(failures));',
      ].join('\n');
      writeFileSync(join(dir, 'run.mts'), runner);
      const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
      const { stdout } = await promisify(execFile)(tsx, [join(dir, 'run.mts')], { cwd: process.cwd(), maxBuffer: 1 << 24 });
      const failures: unknown = JSON.parse(stdout.slice(stdout.lastIndexOf('{')));
      expect(failures).toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
