import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { type CapturedStreams, captureStreams } from './captureStreams.js';

// `tfjs-solver groups`, in-process through main() (docs/cli.md contract): table, --json, errors.

const MODEL = 'examples/groups/model.json';
const CONFIG = 'examples/groups/config.yaml';
const dir = mkdtempSync(join(tmpdir(), 'groups-cli-'));

async function run(...argv: string[]): Promise<{ code: number; streams: CapturedStreams }> {
  const streams = captureStreams();
  const code = await main(['groups', '--backend', 'cpu', ...argv], streams);
  return { code, streams };
}

describe('tfjs-solver groups', () => {
  describe('having the example config (BASE_LR 0.02, BIAS_LR_FACTOR 2, WEIGHT_DECAY_BIAS 0, WEIGHT_DECAY_NORM 0)', () => {
    describe('when run on the example model (hidden Dense, BatchNormalization bn, Dense out)', () => {
      it('should print one line per group: kernels, biases (bias and beta) at 2× LR, gamma without decay', async () => {
        const before = tf.memory().numTensors;
        const { code, streams } = await run('--config', CONFIG, '--model', MODEL);
        expect(code).toBe(0);
        expect(streams.out().trimEnd().split('\n')).toEqual([
          'group  lr    weight_decay  count  params',
          '0      0.02  0.0001        2      hidden/kernel, out/kernel',
          '1      0.04  0             3      hidden/bias, bn/beta, out/bias',
          '2      0.02  0             1      bn/gamma',
          '6 parameters in 3 groups',
        ]);
        expect(tf.memory().numTensors).toBe(before);
      });

      it('should print, with --json, exactly the groups document', async () => {
        const { code, streams } = await run('--config', CONFIG, '--model', MODEL, '--json');
        expect(code).toBe(0);
        expect(JSON.parse(streams.out())).toEqual({
          groups: [
            { lr: 0.02, weight_decay: 0.0001, params: ['hidden/kernel', 'out/kernel'] },
            { lr: 0.04, weight_decay: 0, params: ['hidden/bias', 'bn/beta', 'out/bias'] },
            { lr: 0.02, weight_decay: 0, params: ['bn/gamma'] },
          ],
        });
      });
    });
  });

  describe('having no config (the defaults: BASE_LR 0.001, WEIGHT_DECAY 1e-4, WEIGHT_DECAY_NORM 0)', () => {
    describe('when run with --opts SOLVER.BASE_LR 0.5', () => {
      it('should apply the override to every group', async () => {
        const { streams } = await run('--model', MODEL, '--json', '--opts', 'SOLVER.BASE_LR', '0.5');
        expect(JSON.parse(streams.out())).toEqual({
          groups: [
            { lr: 0.5, weight_decay: 0.0001, params: ['hidden/kernel', 'hidden/bias', 'out/kernel', 'out/bias'] },
            { lr: 0.5, weight_decay: 0, params: ['bn/gamma', 'bn/beta'] },
          ],
        });
      });
    });
  });

  describe('having a bad --model', () => {
    it.each([
      ['missing', [] as string[], 'tfjs-solver: --model: missing, expected the path of a tfjs Layers model.json'],
      ['not JSON', ['--model', join(dir, 'bad.json')], `tfjs-solver: --model: ${join(dir, 'bad.json')} is not JSON`],
      [
        'without topology',
        ['--model', join(dir, 'empty.json')],
        `tfjs-solver: --model: ${join(dir, 'empty.json')} holds no tfjs Layers model topology`,
      ],
      ['absent', ['--model', join(dir, 'absent.json')], `tfjs-solver: ${join(dir, 'absent.json')}: no such file`],
    ])('should fail with exit 2 and one line naming the problem when %s', async (_, argv, message) => {
      writeFileSync(join(dir, 'bad.json'), '{ nope');
      writeFileSync(join(dir, 'empty.json'), '{"format": "layers-model"}');
      const { code, streams } = await run(...argv);
      expect(code).toBe(2);
      expect(streams.out()).toBe('');
      expect(streams.err()).toContain(message);
    });
  });

  describe('having a bad --model and a backend that is not installed (tensorflow)', () => {
    it('should report the model file, checked before any backend is picked', async () => {
      const streams = captureStreams();
      const code = await main(['groups', '--backend', 'tensorflow', '--model', join(dir, 'absent.json')], streams);
      expect(code).toBe(2);
      expect(streams.err()).toBe(`tfjs-solver: ${join(dir, 'absent.json')}: no such file\n`);
    });
  });
});
