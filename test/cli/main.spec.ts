import { describe, expect, it } from '@jest/globals';
import { main } from '../../src/cli/main.js';
import { captureStreams } from './captureStreams.js';

describe(main, () => {
  describe('having --help', () => {
    it('should list train, schedule and groups on stdout and exit 0', async () => {
      const streams = captureStreams();
      const code = await main(['--help'], streams);
      expect(code).toBe(0);
      expect(streams.out()).toMatch(/^Usage: tfjs-solver/);
      for (const name of ['train', 'schedule', 'groups']) expect(streams.out()).toMatch(new RegExp(`\\n  ${name} `));
    });
  });

  describe('having a subcommand with --help', () => {
    it('should list the common flags', async () => {
      const streams = captureStreams();
      expect(await main(['schedule', '--help'], streams)).toBe(0);
      for (const flag of ['--config <file>', '--opts <keyValue...>', '--backend <name>', '--json', '--verbose']) {
        expect(streams.out()).toContain(flag);
      }
    });
  });

  describe.each(['train', 'schedule', 'groups'])('having the %s command before it has landed', (name) => {
    it('should say so on one stderr line and exit 2', async () => {
      const streams = captureStreams();
      const code = await main([name], streams);
      expect(code).toBe(2);
      expect(streams.err()).toMatch(new RegExp(`^tfjs-solver: the \`${name}\` command has not landed yet \\(issue \\d\\)\\n$`));
      expect(streams.out()).toBe('');
    });
  });

  describe('having --verbose and a failing command', () => {
    it('should print the stack trace after the error line', async () => {
      const streams = captureStreams();
      expect(await main(['train', '--verbose'], streams)).toBe(2);
      const lines = streams.err().split('\n');
      expect(lines[0]).toBe('tfjs-solver: the `train` command has not landed yet (issue 5)');
      expect(lines[1]).toMatch(/^SolverError: /);
      expect(lines[2]).toMatch(/^\s+at /);
    });
  });

  describe('having an unknown command', () => {
    it('should report it on stderr and exit 2', async () => {
      const streams = captureStreams();
      expect(await main(['trian'], streams)).toBe(2);
      expect(streams.err()).toContain("error: unknown command 'trian'");
      expect(streams.err()).toContain('(Did you mean train?)');
    });
  });

  describe('having an unknown backend', () => {
    it('should list the allowed choices and exit 2', async () => {
      const streams = captureStreams();
      expect(await main(['train', '--backend', 'webgl'], streams)).toBe(2);
      expect(streams.err()).toContain("argument 'webgl' is invalid. Allowed choices are auto, tensorflow, wasm, cpu.");
    });
  });

  describe('having no arguments', () => {
    it('should print the usage on stderr and exit 2', async () => {
      const streams = captureStreams();
      expect(await main([], streams)).toBe(2);
      expect(streams.err()).toMatch(/^Usage: tfjs-solver/);
    });
  });
});
