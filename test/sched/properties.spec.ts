import { describe, expect, it } from '@jest/globals';
import type { SolverConfig } from '../../src/config/schema.js';
import { buildParamScheduler } from '../../src/sched/lrScheduler.js';
import { type ParamScheduler, whereAt } from '../../src/sched/schedulers.js';
import { configFor } from './configFor.js';

// Property checks over many configs (a fixed-seed generator, so failures reproduce): every
// schedule is finite and >= 0 on all of [0, 1] and past the end, warmup rises, step schedules
// never rise after warmup, and a linear warmup meets the main schedule without a jump.

function generator(seed: number): () => number {
  let state: number = seed;
  return (): number => {
    state = (state * 1103515245 + 12345) % 2147483648; // an LCG: deterministic, good enough here
    return state / 2147483648;
  };
}

const NAMES = ['WarmupMultiStepLR', 'WarmupCosineLR', 'WarmupStepWithFixedGammaLR', 'WarmupPolyLR'] as const;

function randomConfig(next: () => number): SolverConfig {
  const maxIter: number = 10 + Math.floor(next() * 3000);
  const steps: number[] = [...new Set([next(), next(), next()].map((u: number) => 1 + Math.floor(u * (maxIter - 1))))].sort(
    (a, b) => a - b,
  );
  const rescale: boolean = next() < 0.3;
  const warmupIters: number = Math.floor(next() * (rescale ? maxIter - 1 : maxIter * 1.2));
  return configFor({
    LR_SCHEDULER_NAME: NAMES[Math.floor(next() * NAMES.length)],
    MAX_ITER: maxIter,
    WARMUP_ITERS: warmupIters,
    WARMUP_FACTOR: next(),
    WARMUP_METHOD: next() < 0.8 ? 'linear' : 'constant',
    RESCALE_INTERVAL: rescale,
    STEPS: steps,
    GAMMA: 0.05 + next() * 0.9,
    NUM_DECAYS: 1 + Math.floor(next() * 4),
    BASE_LR: 0.1,
    BASE_LR_END: next() * 0.1,
    POLY_LR_POWER: next() * 2,
    POLY_LR_CONSTANT_ENDING: next() < 0.5 ? 0 : next() * 0.2,
  });
}

describe('schedules built from random configs', () => {
  const next: () => number = generator(20261124);
  const configs: SolverConfig[] = Array.from({ length: 60 }, () => randomConfig(next));

  it('should be finite and >= 0 at every iteration, at MAX_ITER and past it', () => {
    for (const config of configs) {
      const m: ParamScheduler = buildParamScheduler(config);
      const n: number = config.SOLVER.MAX_ITER;
      for (let i = 0; i <= n + 2; i += 1) {
        const v: number = m(whereAt(i, n));
        if (!(Number.isFinite(v) && v >= 0)) throw new Error(`${JSON.stringify(config.SOLVER)} at ${i}: ${v}`);
      }
    }
  });

  it('should never fall during a linear warmup and never rise after it for step schedules with GAMMA < 1', () => {
    for (const config of configs) {
      const { MAX_ITER: n, WARMUP_ITERS: w, WARMUP_METHOD, LR_SCHEDULER_NAME } = config.SOLVER;
      const m: ParamScheduler = buildParamScheduler(config);
      const at = (i: number): number => m(whereAt(i, n));
      const end: number = Math.min(w, n);
      if (WARMUP_METHOD === 'linear' && LR_SCHEDULER_NAME !== 'WarmupPolyLR' && at(end) >= at(0)) {
        for (let i = 1; i < end; i += 1) expect(at(i)).toBeGreaterThanOrEqual(at(i - 1) - 1e-15);
      }
      if (LR_SCHEDULER_NAME === 'WarmupMultiStepLR' || LR_SCHEDULER_NAME === 'WarmupStepWithFixedGammaLR') {
        for (let i = end + 1; i <= n; i += 1) expect(at(i)).toBeLessThanOrEqual(at(i - 1));
      }
    }
  });

  it('should join a linear, non-rescaled warmup to the main schedule without a jump', () => {
    for (const config of configs) {
      const { MAX_ITER: n, WARMUP_ITERS: w, WARMUP_METHOD, RESCALE_INTERVAL, LR_SCHEDULER_NAME } = config.SOLVER;
      if (WARMUP_METHOD !== 'linear' || RESCALE_INTERVAL || w < 2 || w >= n || LR_SCHEDULER_NAME !== 'WarmupCosineLR') continue;
      const m: ParamScheduler = buildParamScheduler(config);
      // The last warmup step moves by (end − start) / w; the first main step by at most π/(2n).
      const jump: number = Math.abs(m(whereAt(w, n)) - m(whereAt(w - 1, n)));
      expect(jump).toBeLessThanOrEqual(1 / w + Math.PI / n + 1e-12);
    }
  });
});
