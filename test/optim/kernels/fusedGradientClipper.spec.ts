import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { buildGradientClipper, type ClipperOptions } from '../../../src/optim/clip.js';
import { registerFusedKernels } from '../../../src/optim/kernels/registry.js';
import { BACKENDS, countSyncs, maxRelDiff, randomArrays, SHAPES, tensors } from './kernelTestKit.js';

const OPTIONS: ClipperOptions[] = [
  { clipType: 'full_model', clipValue: 0.5, normType: 2 },
  { clipType: 'full_model', clipValue: 100, normType: Infinity },
  { clipType: 'full_model', clipValue: 0.5, normType: 3, nonFinite: 'none' },
  { clipType: 'none' },
  { clipType: 'value', clipValue: 0.3 },
];

/** clip() of a clipper as plain numbers: gradients, scale and statistics. */
function outcome(options: ClipperOptions, fused: boolean): { values: number[]; syncs: number } {
  const clipper = buildGradientClipper(options, { fused });
  const grads = Object.fromEntries(tensors(SHAPES, randomArrays(SHAPES, 41)).map((t, i) => [`w${i}`, t]));
  let held: tf.Tensor[] = [];
  const syncs = countSyncs(() => {
    held = tf.tidy(() => {
      const out = clipper.clip(grads);
      const scale = out.gradScale ?? tf.scalar(-1);
      return [...Object.values(out.grads).map((g) => g.flatten()), scale, out.stats.norm, out.stats.finite, out.stats.clipped];
    });
  });
  const values = held.flatMap((t) => Array.from(t.dataSync()));
  tf.dispose([...held, ...Object.values(grads)]);
  return { values, syncs };
}

describe.each(BACKENDS)('buildGradientClipper with the fused norm on %s', (backendName) => {
  beforeAll(async () => {
    registerFusedKernels();
    await tf.setBackend(backendName);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  describe.each(OPTIONS)('having options %j', (options) => {
    it('should give the same gradients, scale and statistics as the plain-ops clipper, with no sync and no leak', () => {
      const before = tf.memory().numTensors;
      const fused = outcome(options, true);
      const reference = outcome(options, false);
      expect(maxRelDiff(fused.values, reference.values)).toBeLessThan(1e-6);
      expect(fused.syncs).toBe(0);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
