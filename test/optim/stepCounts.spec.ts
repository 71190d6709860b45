import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { convertGroupSteps, StepCounts } from '../../src/optim/stepCounts.js';

/** Two parameters' `step` slots and the skipped-steps counter, as the optimizer keeps them. */
function setup(): { counts: StepCounts; slots: Map<string, tf.Variable>; total: tf.Variable<tf.Rank.R0>; dispose: () => void } {
  const slots = new Map(['a', 'b'].map((n) => [n, tf.tidy(() => tf.variable(tf.scalar(0), false))]));
  const total = tf.tidy(() => tf.variable<tf.Rank.R0>(tf.scalar(0), false));
  const counts = new StepCounts(['a', 'b'], (n) => slots.get(n) as tf.Variable);
  return {
    counts,
    slots,
    total,
    dispose: () => {
      tf.dispose([...slots.values(), total]);
    },
  };
}

/** Sets a scalar variable (its new value released). */
const set = (v: tf.Variable, x: number): void => {
  tf.tidy(() => {
    v.assign(tf.scalar(x));
  });
};

const values = async (slots: Map<string, tf.Variable>): Promise<number[]> =>
  Promise.all([...slots.values()].map(async (v) => (await v.data())[0] as number));

describe(StepCounts, () => {
  let before: number;
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });

  describe('when fused GPU steps ran with every parameter and two were skipped on the device', () => {
    it('should write each count less the two unseen skips into the slots', async () => {
      const { counts, slots, total, dispose } = setup();
      // Five steps counted as applied on the host; the device skipped two of them.
      for (let i = 0; i < 5; i++) counts.advance(['a', 'b'], counts.next(['a', 'b']));
      counts.stale = true;
      set(total, 2);
      counts.writeDevice(total);
      expect(await values(slots)).toEqual([3, 3]);
      expect(counts.stale).toBe(false);
      dispose();
    });

    it('should bring the host counts down by the skips when synced, so the next step is number 4', async () => {
      const { counts, total, dispose } = setup();
      for (let i = 0; i < 5; i++) counts.advance(['a', 'b'], counts.next(['a', 'b']));
      counts.stale = true;
      set(total, 2);
      await counts.sync(2, total);
      expect(counts.next(['a', 'b'])).toEqual([4, 4]);
      expect(counts.known).toBe(2);
      dispose();
    });
  });

  describe('when the slots are exact (plain-ops steps) and the device skipped a step', () => {
    it('should read the counts back from the slots', async () => {
      const { counts, slots, total, dispose } = setup();
      counts.advance(['a', 'b'], [3, 2]);
      set(slots.get('a')!, 2);
      set(slots.get('b')!, 1);
      set(total, 1);
      counts.uniform = false;
      await counts.sync(1, total);
      expect(counts.next(['a', 'b'])).toEqual([3, 2]);
      expect([counts.known, counts.uniform]).toEqual([1, true]);
      dispose();
    });
  });

  describe('when nothing was skipped', () => {
    it('should leave the host counts as they are', async () => {
      const { counts, total, dispose } = setup();
      counts.advance(['a'], [7]);
      await counts.sync(0, total);
      expect(counts.next(['a', 'b'])).toEqual([8, 1]);
      dispose();
    });
  });
});

describe(convertGroupSteps, () => {
  it('should give every variable of a group its first variable’s old count', () => {
    const step = tf.scalar(5);
    const state = [{ name: 'g/a/step', tensor: step }];
    const out = convertGroupSteps(state, [{ names: ['g/a', 'g/b'] }]);
    expect(out.map((s) => [s.name, s.tensor])).toEqual([
      ['g/a/step', step],
      ['g/b/step', step],
    ]);
    step.dispose();
  });
});
