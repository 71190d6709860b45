import { describe, expect, it } from '@jest/globals';
import { type CliServices, type CommonOptions, createCliContext } from '../../src/cli/main.js';
import { DEFAULT_CONFIG, type SolverConfig } from '../../src/config/schema.js';
import { captureStreams } from './captureStreams.js';

const baseOptions: CommonOptions = { config: undefined, opts: [], backend: undefined, json: false, verbose: false };

function recordingServices(): { services: CliServices; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const services: CliServices = {
    loadConfig: (path, overrides) => {
      calls.push(['loadConfig', path, overrides]);
      const config: SolverConfig = { ...DEFAULT_CONFIG, TRAIN: { ...DEFAULT_CONFIG.TRAIN, BACKEND: 'wasm' } };
      return Promise.resolve(config);
    },
    selectBackend: (name) => {
      calls.push(['selectBackend', name]);
      return Promise.resolve(name);
    },
  };
  return { services, calls };
}

describe(createCliContext, () => {
  describe('having --json', () => {
    it('should write only the JSON document to stdout', () => {
      const streams = captureStreams();
      const context = createCliContext({ ...baseOptions, json: true }, streams, recordingServices().services);
      context.output('human text', { lr: 0.02 });
      context.logger.info('chose cpu');
      expect(streams.out()).toBe('{"lr":0.02}\n');
      expect(streams.err()).toBe('chose cpu\n');
    });
  });

  describe('having no --json', () => {
    it('should write the human text with one trailing newline, and prefix warnings on stderr', () => {
      const streams = captureStreams();
      const context = createCliContext(baseOptions, streams, recordingServices().services);
      context.output('a\nb', { ignored: true });
      context.logger.warn('ignored sections MODEL');
      expect(streams.out()).toBe('a\nb\n');
      expect(streams.err()).toBe('warning: ignored sections MODEL\n');
    });
  });

  describe('having --config, --opts and --backend', () => {
    it('should load the config once, with --backend appended as the last TRAIN.BACKEND override', async () => {
      const { services, calls } = recordingServices();
      const options: CommonOptions = { ...baseOptions, config: 'a.yaml', opts: ['SOLVER.BASE_LR', '0.02'], backend: 'cpu' };
      const context = createCliContext(options, captureStreams(), services);
      const first = await context.loadConfig();
      expect(await context.loadConfig()).toBe(first);
      expect(calls).toEqual([['loadConfig', 'a.yaml', ['SOLVER.BASE_LR', '0.02', 'TRAIN.BACKEND', 'cpu']]]);
    });
  });

  describe('when selectBackend is called', () => {
    it("should select the loaded config's TRAIN.BACKEND", async () => {
      const { services, calls } = recordingServices();
      const context = createCliContext(baseOptions, captureStreams(), services);
      expect(await context.selectBackend()).toBe('wasm');
      expect(calls).toEqual([
        ['loadConfig', undefined, []],
        ['selectBackend', 'wasm'],
      ]);
    });
  });
});
