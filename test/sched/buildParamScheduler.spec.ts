import { describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../src/config/load.js';
import { DEFAULT_CONFIG } from '../../src/config/schema.js';
import { SolverError } from '../../src/errors.js';
import { buildParamScheduler } from '../../src/sched/lrScheduler.js';
import { type ParamScheduler, whereAt } from '../../src/sched/schedulers.js';
import { configFor } from './configFor.js';

// The config builder (SPEC §3.2): detectron2's default config number for number, the
// boundaries of NOTES §5.6-7, the dropped-steps warning and one test per rejected config.

// detectron2 defaults (SPEC §1) by hand: MAX_ITER 40000, linear warmup of 1000 iterations from
// 0.001, STEPS [30000], GAMMA 0.1. Warmup value at i < 1000: 0.001 + (1 − 0.001) · i / 1000.
function defaultByHand(i: number): number {
  if (i < 1000) return 0.001 + 0.999 * (i / 1000);
  return i < 30000 ? 1 : 0.1;
}

describe(buildParamScheduler, () => {
  describe("having detectron2's default config", () => {
    const m: ParamScheduler = buildParamScheduler(DEFAULT_CONFIG);
    it('should give 40000 values matching the formulas (relative 1e-12)', () => {
      let worst = 0;
      for (let i = 0; i < 40000; i += 1) {
        const want: number = defaultByHand(i);
        worst = Math.max(worst, Math.abs(m(whereAt(i, 40000)) - want) / want);
      }
      expect(worst).toBeLessThanOrEqual(1e-12);
    });
    it('should hold at the boundaries 0, warmup−1, warmup, milestone ±1, MAX_ITER−1, MAX_ITER and past it', () => {
      const at = (i: number): number => m(whereAt(i, 40000));
      expect(at(0)).toBe(0.001);
      expect(at(999)).toBeCloseTo(0.001 + 0.999 * 0.999, 14);
      expect([1000, 29999, 30000, 30001, 39999, 40000, 40001].map(at)).toEqual([1, 1, 0.1, 0.1, 0.1, 0.1, 0.1]);
    });
  });

  describe('having WarmupCosineLR with BASE_LR_END 0.0001 of BASE_LR 0.001', () => {
    const m: ParamScheduler = buildParamScheduler(configFor({ LR_SCHEDULER_NAME: 'WarmupCosineLR', BASE_LR_END: 0.0001 }));
    it('should follow Cosine(1, 0.1) on the global where after warmup, and end at 0.1', () => {
      for (const i of [1000, 20000, 39999]) {
        const w: number = i / 40000;
        expect(m(w)).toBeCloseTo(0.1 + 0.45 * (1 + Math.cos(Math.PI * w)), 14);
      }
      expect(m(1)).toBeCloseTo(0.1, 15);
    });
    it('should never increase after warmup', () => {
      for (let i = 1097; i <= 40000; i += 97) expect(m(i / 40000)).toBeLessThanOrEqual(m((i - 97) / 40000));
    });
  });

  describe('having WarmupCosineLR at its boundaries (WARMUP_ITERS 1000 of 40000, BASE_LR_END 0)', () => {
    const m: ParamScheduler = buildParamScheduler(configFor({ LR_SCHEDULER_NAME: 'WarmupCosineLR' }));
    const cos = (i: number): number => 0.5 * (1 + Math.cos((Math.PI * i) / 40000)); // Cosine(1, 0) at i / 40000
    it('should hold at 0, warmup−1, warmup, MAX_ITER−1, MAX_ITER and past it', () => {
      const at = (i: number): number => m(whereAt(i, 40000));
      expect(at(0)).toBe(0.001);
      // warmup: Linear(0.001, cos(1000)) at 999 / 1000.
      expect(at(999)).toBeCloseTo(cos(1000) * 0.999 + 0.001 * 0.001, 15);
      for (const i of [1000, 39999]) expect(at(i)).toBeCloseTo(cos(i), 15);
      expect([at(40000), at(40001)]).toEqual([0, 0]);
    });
  });

  describe('having WARMUP_ITERS beyond MAX_ITER without RESCALE_INTERVAL (warmup length clamped to 1)', () => {
    it('should warm up over the whole run and reach s(1) at the end, as detectron2 after its clamp', () => {
      const m: ParamScheduler = buildParamScheduler(
        configFor({ LR_SCHEDULER_NAME: 'WarmupCosineLR', MAX_ITER: 100, WARMUP_ITERS: 150, BASE_LR_END: 0.0005 }),
      );
      // Linear(0.001 · 1, Cosine(1, 0.5)(1) = 0.5) over where.
      expect(m(0)).toBe(0.001);
      expect(m(0.5)).toBeCloseTo(0.5 * 0.5 + 0.001 * 0.5, 15);
      expect(m(1)).toBeCloseTo(0.5, 15);
    });
  });

  describe('having WarmupStepWithFixedGammaLR with 3 decays over 40000', () => {
    const m: ParamScheduler = buildParamScheduler(configFor({ LR_SCHEDULER_NAME: 'WarmupStepWithFixedGammaLR' }));
    it('should step down by 0.1 every 10000 iterations after warmup', () => {
      const at = (i: number): number => m(i / 40000);
      expect([1000, 9999, 10000, 19999, 20000, 30000, 39999].map(at)).toEqual([
        1, 1, 0.1, 0.1, 0.010000000000000002, 0.0010000000000000002, 0.0010000000000000002,
      ]);
    });
  });

  describe('having WarmupPolyLR', () => {
    it('should use POLY_LR_POWER and its multiplicative warmup', () => {
      const m: ParamScheduler = buildParamScheduler(configFor({ LR_SCHEDULER_NAME: 'WarmupPolyLR', POLY_LR_POWER: 2 }));
      expect(m(0)).toBe(0.001);
      expect(m(0.5)).toBeCloseTo(0.25, 15);
    });
  });

  describe('having STEPS beyond MAX_ITER', () => {
    it('should drop them with ONE warning that lists them', () => {
      const warnings: string[] = [];
      const m: ParamScheduler = buildParamScheduler(configFor({ STEPS: [20000, 50000, 60000] }), {
        logger: { warn: (s: string) => warnings.push(s) },
      });
      expect(warnings).toEqual(['SOLVER.STEPS contains values larger than SOLVER.MAX_ITER (40000): 50000, 60000; they are ignored.']);
      expect(m(30000 / 40000)).toBe(0.1);
    });
  });

  // Every rule the schedule relies on is checked once, when the config is loaded (the builder
  // trusts a loaded config), so each of these is refused by parseConfig naming the key and source.
  const steps = 'a list of strictly increasing integers > 0, like [60000, 80000] or (60000, 80000)';
  const rejected: readonly (readonly [string, Record<string, unknown>, string])[] = [
    [
      'an unknown name',
      { LR_SCHEDULER_NAME: 'WarmupFooLR' },
      'SOLVER.LR_SCHEDULER_NAME: Unknown LR scheduler: WarmupFooLR (expected one of WarmupMultiStepLR, WarmupCosineLR, WarmupStepWithFixedGammaLR, WarmupPolyLR)',
    ],
    [
      'an unknown warmup method',
      { WARMUP_METHOD: 'exp' },
      'SOLVER.WARMUP_METHOD: Unknown warmup method: exp (expected one of linear, constant)',
    ],
    ['MAX_ITER 0', { MAX_ITER: 0 }, 'SOLVER.MAX_ITER: got 0, expected an integer > 0'],
    ['WARMUP_ITERS -1', { WARMUP_ITERS: -1 }, 'SOLVER.WARMUP_ITERS: got -1, expected an integer >= 0'],
    ['WARMUP_FACTOR NaN', { WARMUP_FACTOR: NaN }, 'SOLVER.WARMUP_FACTOR: got NaN, expected a finite number >= 0'],
    [
      'a step at MAX_ITER',
      { STEPS: [30000, 40000] },
      'SOLVER.STEPS[1]: got 40000, expected < SOLVER.MAX_ITER (40000); a step at MAX_ITER never takes effect',
    ],
    ['steps out of order', { STEPS: [30000, 20000] }, `SOLVER.STEPS: got [30000,20000], expected ${steps}`],
    ['a step 0', { STEPS: [0] }, `SOLVER.STEPS: got [0], expected ${steps}`],
    ['a step 0 written as a tuple', { STEPS: '(0, 100)' }, `SOLVER.STEPS: got [0,100], expected ${steps}`],
    ['STEPS not a list', { STEPS: 30000 }, `SOLVER.STEPS: got 30000, expected ${steps}`],
    ['a fractional step', { STEPS: [1.5] }, `SOLVER.STEPS: got [1.5], expected ${steps}`],
    ['GAMMA 0', { GAMMA: 0 }, 'SOLVER.GAMMA: got 0, expected a finite number > 0'],
    [
      'NUM_DECAYS 0',
      { LR_SCHEDULER_NAME: 'WarmupStepWithFixedGammaLR', NUM_DECAYS: 0 },
      'SOLVER.NUM_DECAYS: got 0, expected an integer > 0',
    ],
    [
      'BASE_LR 0 for cosine',
      { LR_SCHEDULER_NAME: 'WarmupCosineLR', BASE_LR: 0 },
      'SOLVER.BASE_LR_END: got 0 with SOLVER.BASE_LR 0, expected SOLVER.BASE_LR_END / SOLVER.BASE_LR in [0, 1] for WarmupCosineLR',
    ],
    [
      'BASE_LR_END above BASE_LR',
      { LR_SCHEDULER_NAME: 'WarmupCosineLR', BASE_LR_END: 0.01 },
      'SOLVER.BASE_LR_END: got 0.01 with SOLVER.BASE_LR 0.001, expected SOLVER.BASE_LR_END / SOLVER.BASE_LR in [0, 1] for WarmupCosineLR',
    ],
    [
      'BASE_LR_END negative',
      { LR_SCHEDULER_NAME: 'WarmupCosineLR', BASE_LR_END: -1 },
      'SOLVER.BASE_LR_END: got -1, expected a finite number >= 0',
    ],
    [
      'rescaled warmup as long as the run',
      { RESCALE_INTERVAL: true, WARMUP_ITERS: 40000 },
      'SOLVER.WARMUP_ITERS: got 40000, expected < SOLVER.MAX_ITER (40000) when SOLVER.RESCALE_INTERVAL is true',
    ],
    ['RESCALE_INTERVAL not a boolean', { RESCALE_INTERVAL: 'yes' }, 'SOLVER.RESCALE_INTERVAL: got "yes", expected true or false'],
    [
      'POLY_LR_POWER negative',
      { LR_SCHEDULER_NAME: 'WarmupPolyLR', POLY_LR_POWER: -0.9 },
      'SOLVER.POLY_LR_POWER: got -0.9, expected a finite number >= 0',
    ],
    [
      'POLY_LR_CONSTANT_ENDING 1.5',
      { LR_SCHEDULER_NAME: 'WarmupPolyLR', POLY_LR_CONSTANT_ENDING: 1.5 },
      'SOLVER.POLY_LR_CONSTANT_ENDING: got 1.5, expected a number in [0, 1]',
    ],
  ];

  describe.each(rejected)('having %s', (_name, solver, message) => {
    it('should be refused at load time with a config SolverError naming the key and the source', () => {
      let caught: unknown;
      try {
        parseConfig({ SOLVER: solver }, 'run.yaml');
      } catch (error: unknown) {
        caught = error;
      }
      expect(SolverError.is(caught, 'config')).toBe(true);
      expect((caught as Error).message).toBe(`${message} (in run.yaml)`);
    });
  });
});
