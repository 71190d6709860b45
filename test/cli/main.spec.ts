import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { type CliCommand, type CliServices, main } from '../../src/cli/main.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { SolverError } from '../../src/errors.js';
import { captureStreams } from './captureStreams.js';

const services: CliServices = {
  loadConfig: () => Promise.resolve(DEFAULT_CONFIG),
  selectBackend: (name) => Promise.resolve(name === 'auto' ? 'wasm' : name),
};

/** A command whose run is given by the test; records what the shell passed it. */
function fakeCommand(run: CliCommand['run']): CliCommand & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    name: 'fake',
    description: 'a test command',
    options: [{ flag: 'every', value: 'n', description: 'own flag' }],
    run: (context, options, args) => {
      calls.push([options, args]);
      return run(context, options, args);
    },
  };
}

const notLanded = (): Promise<number> =>
  Promise.reject(new SolverError('notImplemented', 'the `fake` command has not landed yet (issue 9)'));

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

  describe('having --version', () => {
    it("should print package.json's version and exit 0", async () => {
      const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
      const streams = captureStreams();
      expect(await main(['--version'], streams)).toBe(0);
      expect(streams.out()).toBe(`${version}\n`);
    });
  });

  describe('having a subcommand with --help', () => {
    it.each(['train', 'schedule', 'groups'])('%s should list the common flags', async (name) => {
      const streams = captureStreams();
      expect(await main([name, '--help'], streams)).toBe(0);
      for (const flag of ['--config <file>', '--opts <keyValue...>', '--backend <name>', '--json', '--verbose']) {
        expect(streams.out()).toContain(flag);
      }
    });
  });

  describe('having a command that succeeds', () => {
    it('should pass it its own and the common flags, and return its exit code', async () => {
      const command = fakeCommand(async (context) => {
        context.output('human', { backend: await context.selectBackend() });
        return 0;
      });
      const streams = captureStreams();
      const argv = ['fake', '--every', '5', '--json', '--opts', 'SEED', '-1', 'SOLVER.STEPS', '(1, 2)'];
      expect(await main(argv, streams, services, [command])).toBe(0);
      expect(command.calls[0]?.[0]).toMatchObject({ every: '5', json: true, opts: ['SEED', '-1', 'SOLVER.STEPS', '(1, 2)'] });
      expect(streams.out()).toBe('{"backend":"wasm"}\n');
    });
  });

  describe('having a command that has not landed', () => {
    it('should print its message on one stderr line and exit 2', async () => {
      const streams = captureStreams();
      expect(await main(['fake'], streams, services, [fakeCommand(notLanded)])).toBe(2);
      expect(streams.err()).toBe('tfjs-solver: the `fake` command has not landed yet (issue 9)\n');
      expect(streams.out()).toBe('');
    });
  });

  describe('having --verbose and a failing command', () => {
    it('should print the stack trace after the error line', async () => {
      const streams = captureStreams();
      expect(await main(['fake', '--verbose'], streams, services, [fakeCommand(notLanded)])).toBe(2);
      const lines = streams.err().split('\n');
      expect(lines[0]).toBe('tfjs-solver: the `fake` command has not landed yet (issue 9)');
      expect(lines[1]).toMatch(/^SolverError: /);
      expect(lines[2]).toMatch(/^\s+at /);
    });
  });

  describe('having a command that throws something other than a SolverError', () => {
    it('should call it an internal error and exit 2', async () => {
      const streams = captureStreams();
      const command = fakeCommand(() => Promise.reject(new TypeError('x is undefined')));
      expect(await main(['fake'], streams, services, [command])).toBe(2);
      expect(streams.err()).toBe('tfjs-solver: internal error: x is undefined\n');
    });
  });

  describe("having a command that hits tfjs's missing Conv2D gradient kernel on wasm", () => {
    it('should print the backend, the kernel and the fix on one line, not the raw tfjs message', async () => {
      const streams = captureStreams();
      const raw = new Error("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'");
      expect(await main(['fake'], streams, services, [fakeCommand(() => Promise.reject(raw))])).toBe(2);
      expect(streams.err()).toBe(
        'tfjs-solver: the wasm backend has no kernel Conv2DBackpropFilter (the gradient of Conv2D with respect to its filter); ' +
          'train this model on another backend: --backend cpu or tensorflow (TRAIN.BACKEND)\n',
      );
    });
  });

  describe('having an invalid config', () => {
    it('should print the config error line and exit 2', async () => {
      const streams = captureStreams();
      const argv = ['fake', '--opts', 'SOLVER.MAX_ITER', '-5'];
      const command = fakeCommand(async (context) => (await context.loadConfig()).SOLVER.MAX_ITER);
      expect(await main(argv, streams, undefined, [command])).toBe(2);
      expect(streams.err()).toBe('tfjs-solver: SOLVER.MAX_ITER: got -5, expected an integer > 0 (in --opts)\n');
    });
  });

  describe('having an unknown command', () => {
    it('should report it on stderr and exit 2', async () => {
      const streams = captureStreams();
      expect(await main(['trian'], streams)).toBe(2);
      expect(streams.err()).toBe("tfjs-solver: unknown command 'trian' (did you mean train?)\n");
    });
  });

  describe('having an unknown backend', () => {
    it('should list the allowed choices and exit 2', async () => {
      const streams = captureStreams();
      expect(await main(['fake', '--backend', 'webgl'], streams, services, [fakeCommand(notLanded)])).toBe(2);
      expect(streams.err()).toBe('tfjs-solver: --backend <name>: got "webgl", expected one of auto, tensorflow, wasm, cpu\n');
    });
  });

  describe('having usage errors', () => {
    it.each([
      [['fake', '--evry', '5'], "tfjs-solver: fake: unknown option '--evry' (did you mean --every?)"],
      [['fake', '--every'], 'tfjs-solver: fake: --every <n>: missing its value'],
      [['fake', '--json=yes'], "tfjs-solver: fake: --json takes no value, got 'yes'"],
      [['fake', 'extra'], "tfjs-solver: fake: unexpected argument 'extra' (it takes none)"],
      [['fake', '--opts'], 'tfjs-solver: fake: --opts <keyValue...>: expected at least one value'],
      [['--json'], "tfjs-solver: unknown option '--json' (see tfjs-solver --help)"],
    ])('%j should print one tfjs-solver: line (never error:) and exit 2', async (argv, line) => {
      const streams = captureStreams();
      expect(await main(argv, streams, services, [fakeCommand(notLanded)])).toBe(2);
      expect(streams.err()).toBe(`${line}\n`);
      expect(streams.out()).toBe('');
    });
  });

  describe('having --opts followed by another flag and repeated', () => {
    it('should stop at the next known flag and join repeats', async () => {
      const command = fakeCommand(() => Promise.resolve(0));
      const argv = ['fake', '--opts', 'A', '-2', '--json', '--opts', 'B', '3'];
      expect(await main(argv, captureStreams(), services, [command])).toBe(0);
      expect(command.calls[0]?.[0]).toMatchObject({ opts: ['A', '-2', 'B', '3'], json: true, verbose: false });
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
