import { describe, expect, it } from '@jest/globals';
import { SolverError } from '../../src/errors.js';
import {
  constantScheduler,
  cosineScheduler,
  exponentialScheduler,
  linearScheduler,
  multiStepScheduler,
  polynomialDecayScheduler,
  stepScheduler,
  stepWithFixedGammaScheduler,
} from '../../src/sched/schedulers.js';
import { warmupPolyScheduler, warmupScheduler } from '../../src/sched/lrScheduler.js';
import { compositeScheduler } from '../../src/sched/schedulers.js';

// One throws-when test per validation branch of the scheduler factories, message text included.

const one = constantScheduler({ value: 1 });
const bad = (v: unknown): never => v as never;

const cases: readonly (readonly [string, () => unknown, string])[] = [
  ['constant value NaN', () => constantScheduler({ value: NaN }), 'constantScheduler.value: got NaN, expected a finite number'],
  [
    'cosine start Infinity',
    () => cosineScheduler({ startValue: Infinity, endValue: 0 }),
    'cosineScheduler.startValue: got Infinity, expected a finite number',
  ],
  [
    'cosine end a string',
    () => cosineScheduler({ startValue: 1, endValue: bad('0') }),
    'cosineScheduler.endValue: got "0", expected a finite number',
  ],
  [
    'exponential decay 0',
    () => exponentialScheduler({ startValue: 1, decay: 0 }),
    'exponentialScheduler.decay: got 0, expected a finite number > 0',
  ],
  [
    'exponential start NaN',
    () => exponentialScheduler({ startValue: NaN, decay: 0.5 }),
    'exponentialScheduler.startValue: got NaN, expected a finite number',
  ],
  [
    'linear start undefined',
    () => linearScheduler(bad({ endValue: 1 })),
    'linearScheduler.startValue: got nothing, expected a finite number',
  ],
  [
    'polynomial power -1',
    () => polynomialDecayScheduler({ baseValue: 1, power: -1 }),
    'polynomialDecayScheduler.power: got -1, expected a finite number >= 0',
  ],
  [
    'polynomial base NaN',
    () => polynomialDecayScheduler({ baseValue: NaN, power: 1 }),
    'polynomialDecayScheduler.baseValue: got NaN, expected a finite number',
  ],
  [
    'step numUpdates 0',
    () => stepScheduler({ numUpdates: 0, values: [1] }),
    'stepScheduler.numUpdates: got 0, expected a finite number > 0',
  ],
  [
    'step values []',
    () => stepScheduler({ numUpdates: 1, values: [] }),
    'stepScheduler.values: got [], expected a non-empty array of finite numbers',
  ],
  [
    'swfg gamma 0',
    () => stepWithFixedGammaScheduler({ baseValue: 1, numDecays: 1, gamma: 0, numUpdates: 4 }),
    'stepWithFixedGammaScheduler.gamma: got 0, expected a finite number > 0',
  ],
  [
    'swfg numDecays 1.5',
    () => stepWithFixedGammaScheduler({ baseValue: 1, numDecays: 1.5, gamma: 0.1, numUpdates: 4 }),
    'stepWithFixedGammaScheduler.numDecays: got 1.5, expected an integer > 0',
  ],
  [
    'multiStep neither',
    () => multiStepScheduler({ values: [1, 0.1] }),
    'multiStepScheduler.numUpdates: got nothing, expected numUpdates or milestones (or both) to be given',
  ],
  [
    'multiStep numUpdates < values',
    () => multiStepScheduler({ values: [1, 0.1, 0.01], numUpdates: 2 }),
    'multiStepScheduler.numUpdates: got 2, expected an integer >= the number of values (3)',
  ],
  [
    'multiStep milestone >= numUpdates',
    () => multiStepScheduler({ values: [1, 0.1, 0.01, 0.001], milestones: [3, 6, 12], numUpdates: 12 }),
    'multiStepScheduler.milestones[2]: got 12, expected < numUpdates (12)',
  ],
  [
    'multiStep out of order',
    () => multiStepScheduler({ values: [1, 0.1, 0.01, 0.001], milestones: [3, 8, 6], numUpdates: 12 }),
    'multiStepScheduler.milestones[2]: got 6, expected > 8 (milestones strictly increasing, > 0)',
  ],
  [
    'multiStep milestone 0',
    () => multiStepScheduler({ values: [1, 0.1], milestones: [0], numUpdates: 12 }),
    'multiStepScheduler.milestones[0]: got 0, expected > 0 (milestones strictly increasing, > 0)',
  ],
  [
    'composite no schedulers',
    () => compositeScheduler({ schedulers: [], lengths: [], intervalScaling: [] }),
    'compositeScheduler.schedulers: got [], expected a non-empty array of schedulers',
  ],
  [
    'composite negative length',
    () => compositeScheduler({ schedulers: [one, one], lengths: [1.2, -0.2], intervalScaling: ['fixed', 'fixed'] }),
    'compositeScheduler.lengths: got [1.2,-0.2], expected values >= 0 summing to 1 (within 1e-3), sum is 1',
  ],
  [
    'composite bad scaling',
    () => compositeScheduler({ schedulers: [one, one], lengths: [0.5, 0.5], intervalScaling: ['rescaled', bad('rescaleds')] }),
    `compositeScheduler.intervalScaling[1]: got "rescaleds", expected 'rescaled' or 'fixed'`,
  ],
  [
    'composite scaling count',
    () => compositeScheduler({ schedulers: [one, one], lengths: [0.5, 0.5], intervalScaling: ['rescaled'] }),
    'compositeScheduler.intervalScaling: got ["rescaled"], expected one entry per scheduler (2)',
  ],
  [
    'composite empty rescaled last part',
    () => compositeScheduler({ schedulers: [one, one], lengths: [1, 0], intervalScaling: ['rescaled', 'rescaled'] }),
    `compositeScheduler.lengths[1]: got 0, expected > 0 for a 'rescaled' last part (it is reached at where = 1)`,
  ],
  [
    'warmup unknown method',
    () => warmupScheduler({ scheduler: one, warmupFactor: 0.1, warmupLength: 0.1, warmupMethod: bad('cosine') }),
    `warmupScheduler.warmupMethod: Unknown warmup method: cosine (expected one of linear, constant)`,
  ],
  [
    'warmup factor -1',
    () => warmupScheduler({ scheduler: one, warmupFactor: -1, warmupLength: 0.1 }),
    'warmupScheduler.warmupFactor: got -1, expected a finite number >= 0',
  ],
  [
    'warmup length 1.5',
    () => warmupScheduler({ scheduler: one, warmupFactor: 0.1, warmupLength: 1.5 }),
    'warmupScheduler.warmupLength: got 1.5, expected a number in [0, 1]',
  ],
  [
    'warmup scheduler missing',
    () => warmupScheduler({ scheduler: bad(undefined), warmupFactor: 0.1, warmupLength: 0.1 }),
    'warmupScheduler.scheduler: got nothing, expected a scheduler function',
  ],
  [
    'warmup full length with rescale',
    () => warmupScheduler({ scheduler: one, warmupFactor: 0.1, warmupLength: 1, rescaleInterval: true }),
    'warmupScheduler.warmupLength: got 1, expected < 1 when rescaleInterval is true (the main part needs room)',
  ],
  [
    'warmupPoly power NaN',
    () => warmupPolyScheduler({ power: NaN, constantEnding: 0, warmupFactor: 0.1, warmupLength: 0 }),
    'warmupPolyScheduler.power: got NaN, expected a finite number >= 0',
  ],
  [
    'warmupPoly ending 2',
    () => warmupPolyScheduler({ power: 0.9, constantEnding: 2, warmupFactor: 0.1, warmupLength: 0 }),
    'warmupPolyScheduler.constantEnding: got 2, expected a number in [0, 1]',
  ],
  [
    'warmupPoly factor -0.5',
    () => warmupPolyScheduler({ power: 0.9, constantEnding: 0, warmupFactor: -0.5, warmupLength: 0 }),
    'warmupPolyScheduler.warmupFactor: got -0.5, expected a finite number >= 0',
  ],
  [
    'warmupPoly length -1',
    () => warmupPolyScheduler({ power: 0.9, constantEnding: 0, warmupFactor: 0.1, warmupLength: -1 }),
    'warmupPolyScheduler.warmupLength: got -1, expected a finite number >= 0',
  ],
  [
    'warmupPoly unknown method',
    () => warmupPolyScheduler({ power: 0.9, constantEnding: 0, warmupFactor: 0.1, warmupLength: 0, warmupMethod: bad('exp') }),
    `warmupPolyScheduler.warmupMethod: Unknown warmup method: exp (expected one of linear, constant)`,
  ],
];

describe('scheduler factories', () => {
  describe.each(cases)('having %s', (_name, build, message) => {
    it('should throw a SolverError of kind argument with the exact message', () => {
      let caught: unknown;
      try {
        build();
      } catch (error: unknown) {
        caught = error;
      }
      expect(SolverError.is(caught, 'argument')).toBe(true);
      expect((caught as Error).message).toBe(message);
    });
  });
});
