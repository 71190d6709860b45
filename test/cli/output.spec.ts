import { beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { configYaml, groupLrSeries, scheduleMarks, weightsFingerprint } from '../../src/cli/output.js';
import { parseConfig } from '../../src/config/load.js';

describe(weightsFingerprint, () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('should hash the float32 bytes of the weights in variable order', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    model.setWeights([tf.tensor2d([[1.5], [-2]]), tf.tensor1d([0.25])]);
    const before: number = tf.memory().numTensors;
    const bytes: Uint8Array = new Uint8Array(Float32Array.from([1.5, -2, 0.25]).buffer);
    expect(await weightsFingerprint(model)).toBe(createHash('sha256').update(bytes).digest('hex'));
    const swapped: Uint8Array = new Uint8Array(Float32Array.from([0.25, 1.5, -2]).buffer);
    expect(await weightsFingerprint(model)).not.toBe(createHash('sha256').update(swapped).digest('hex'));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe(configYaml, () => {
  it('should parse back to the same config', () => {
    const config = parseConfig({ SOLVER: { BASE_LR: 0.1, STEPS: [10, 20], MAX_ITER: 30 }, SEED: 5, OUTPUT_DIR: 'o' }, 'test');
    expect(parseConfig(parse(configYaml(config)) as Record<string, unknown>, 'config.yaml')).toEqual(config);
  });
});

describe(groupLrSeries, () => {
  it('should give each group its base LR times the schedule, with both sides of a milestone', () => {
    const config = parseConfig(
      { SOLVER: { BASE_LR: 0.1, MAX_ITER: 100, STEPS: [60], GAMMA: 0.1, WARMUP_ITERS: 10, WARMUP_FACTOR: 0.001 } },
      'test',
    );
    const groups = [
      { names: ['a', 'b'], baseLr: 0.1, lr: 0.1, weightDecay: 1e-4 },
      { names: ['c'], baseLr: 0.2, lr: 0.2, weightDecay: 0 },
    ];
    const [main, bias] = groupLrSeries(config, groups);
    const at = (points: readonly { x: number; y: number }[] | undefined, x: number): number | undefined =>
      points?.find((p) => p.x === x)?.y;
    // SPEC 3: warmup from 0.001 x base, linear over 10 iterations: at 5, factor 0.001 + (1 - 0.001) * 5 / 10 = 0.5005.
    expect(at(main?.points, 5)).toBeCloseTo(0.1 * 0.5005, 12);
    expect(at(main?.points, 59)).toBeCloseTo(0.1, 12);
    expect(at(main?.points, 60)).toBeCloseTo(0.01, 12);
    expect(at(bias?.points, 60)).toBeCloseTo(0.02, 12);
    expect(bias?.name).toBe('group 1: 1 weights, base lr 0.2');
    expect(scheduleMarks(config)).toEqual([
      { x: 10, label: 'end of warmup (10)' },
      { x: 60, label: 'milestone 60' },
    ]);
  });
});
