import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

// These run the built package (dist/, made by `npm install`'s prepare script) in a child process,
// as a user would: the `bin` entry, and `import('tfjs-solver')` through the package's exports map.
const run = promisify(execFile);

describe('bin/tfjs-solver.js', () => {
  describe('having --help', () => {
    it('should list the commands and exit 0', async () => {
      const { stdout } = await run(process.execPath, ['bin/tfjs-solver.js', '--help']);
      expect(stdout).toMatch(/^Usage: tfjs-solver/);
      for (const name of ['train', 'schedule', 'groups']) expect(stdout).toContain(`\n  ${name} `);
    });
  });

  describe('having an invalid override', () => {
    it('should print one error line and exit 2', async () => {
      const failure = await run(process.execPath, ['bin/tfjs-solver.js', 'schedule', '--opts', 'SOLVER.MAX_ITER', '0']).then(
        () => undefined,
        (error: unknown) => error as { code: number; stderr: string },
      );
      expect(failure?.code).toBe(2);
      expect(failure?.stderr).toBe('tfjs-solver: SOLVER.MAX_ITER: got 0, expected an integer > 0 (in --opts)\n');
    });
  });
});

describe("import('tfjs-solver') by the package's own name", () => {
  it('should load the built public API', async () => {
    const script = "const m = await import('tfjs-solver'); console.log(typeof m.loadConfig, typeof m.selectBackend, typeof m.SolverError);";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    expect(stdout).toBe('function function function\n');
  });
});
