import { buildLrScheduler, DEFAULT_CONFIG, type LrScheduler, type SolverConfig } from 'tfjs-solver';

// Example: a detectron2 warmup-cosine schedule driving two parameter groups, saved and resumed
// (docs/schedules.md). Run: npx tsx examples/scheduleWarmupCosine.ts

/** What the example returns, so its test can check it. */
export interface WarmupCosineResult {
  /** The LRs (both groups) used by steps 0..99 of an uninterrupted run. */
  readonly lrs: readonly (readonly number[])[];
  /** The state saved after 60 steps (plain JSON data: iteration, base LRs, MAX_ITER). */
  readonly saved: unknown;
  /** The LRs used by steps 60..99 of a run resumed from `saved`. */
  readonly resumed: readonly (readonly number[])[];
}

// Begin-example
const config: SolverConfig = {
  ...DEFAULT_CONFIG,
  SOLVER: { ...DEFAULT_CONFIG.SOLVER, LR_SCHEDULER_NAME: 'WarmupCosineLR', MAX_ITER: 100, WARMUP_ITERS: 10, BASE_LR: 0.1 },
};

// Any object with base LRs and a setter works; the library's optimizer is one.
function recordingOptimizer(log: (readonly number[])[]): Parameters<typeof buildLrScheduler>[1] {
  return { baseLearningRates: [0.1, 0.2], setLearningRates: (lrs: readonly number[]): void => void log.push(lrs) };
}

/** Steps 0..99 with a checkpoint after 60 steps, then a resume from that checkpoint. */
export function warmupCosineExample(): WarmupCosineResult {
  const lrs: (readonly number[])[] = [];
  const scheduler: LrScheduler = buildLrScheduler(config, recordingOptimizer(lrs));
  scheduler.apply(); // the LR of step 0: BASE_LR × WARMUP_FACTOR, written before the first step
  let saved: unknown = scheduler.state();
  for (let i = 0; i < 100; i += 1) {
    // ... training step i runs here with the LRs just written ...
    if (i < 99) scheduler.step(); // detectron2 steps after every iteration
    if (i === 59) saved = scheduler.state(); // a checkpoint after 60 steps: iteration 60 comes next
  }

  // Resume: build again (building writes nothing), load the state, apply, continue.
  const resumed: (readonly number[])[] = [];
  const again: LrScheduler = buildLrScheduler(config, recordingOptimizer(resumed));
  again.loadState(JSON.parse(JSON.stringify(saved)));
  again.apply();
  for (let i = 60; i < 99; i += 1) again.step();
  return { lrs, saved, resumed };
}
// End-example

if (process.argv[1]?.endsWith('scheduleWarmupCosine.ts') === true) {
  const { lrs } = warmupCosineExample();
  for (const i of [0, 5, 10, 50, 99]) console.log(`step ${i}: ${lrs[i]?.join(', ') ?? ''}`);
}
