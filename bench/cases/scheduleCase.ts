import { DEFAULT_CONFIG, type SolverConfig, type SolverSection } from '../../src/config/schema.js';
import { buildParamScheduler, LrMultiplier } from '../../src/sched/lrScheduler.js';
import {
  constantScheduler,
  cosineScheduler,
  exponentialScheduler,
  linearScheduler,
  multiStepScheduler,
  type ParamScheduler,
  polynomialDecayScheduler,
  stepScheduler,
  stepWithFixedGammaScheduler,
  whereAt,
} from '../../src/sched/schedulers.js';
import { warmupScheduler } from '../../src/sched/lrScheduler.js';
import { compositeScheduler } from '../../src/sched/schedulers.js';

// Benchmark case for issue 3: evaluating each built-in schedule once per iteration over a
// 1,000,000-iteration run (where = i / N, the LrMultiplier's rule), reported in ns per iteration.
// Target: < 100 ns per iteration. bench/run.ts imports `run`; alone: npx tsx a script that calls it.

const TARGET_NS = 100;

interface Row {
  readonly name: string;
  readonly iterations: number;
  /** CPU ns per iteration (the figure compared with the target). */
  readonly nsPerIteration: number;
  /** Wall-clock ns per iteration (inflated when the machine is busy). */
  readonly wallNsPerIteration: number;
}

function fromConfig(solver: Partial<SolverSection>, maxIter: number): ParamScheduler {
  const config: SolverConfig = {
    ...DEFAULT_CONFIG,
    SOLVER: { ...DEFAULT_CONFIG.SOLVER, MAX_ITER: maxIter, WARMUP_ITERS: maxIter / 40, STEPS: [(maxIter * 3) / 4], ...solver },
  };
  return buildParamScheduler(config);
}

function schedules(n: number): readonly (readonly [string, ParamScheduler])[] {
  return [
    ['config WarmupMultiStepLR', fromConfig({ LR_SCHEDULER_NAME: 'WarmupMultiStepLR' }, n)],
    ['config WarmupCosineLR', fromConfig({ LR_SCHEDULER_NAME: 'WarmupCosineLR' }, n)],
    ['config WarmupStepWithFixedGammaLR', fromConfig({ LR_SCHEDULER_NAME: 'WarmupStepWithFixedGammaLR' }, n)],
    ['config WarmupPolyLR', fromConfig({ LR_SCHEDULER_NAME: 'WarmupPolyLR' }, n)],
    ['constant', constantScheduler({ value: 0.1 })],
    ['cosine', cosineScheduler({ startValue: 1, endValue: 0 })],
    ['exponential', exponentialScheduler({ startValue: 1, decay: 0.01 })],
    ['linear', linearScheduler({ startValue: 1, endValue: 0 })],
    ['polynomialDecay', polynomialDecayScheduler({ baseValue: 1, power: 0.9 })],
    ['step', stepScheduler({ numUpdates: n, values: [1, 0.1, 0.01, 0.001] })],
    ['stepWithFixedGamma', stepWithFixedGammaScheduler({ baseValue: 1, numDecays: 3, gamma: 0.1, numUpdates: n })],
    ['multiStep', multiStepScheduler({ values: [1, 0.1, 0.01, 0.001], milestones: [n / 2, (n * 3) / 4, (n * 9) / 10], numUpdates: n })],
    [
      'composite (4 parts)',
      compositeScheduler({
        schedulers: [
          constantScheduler({ value: 1 }),
          cosineScheduler({ startValue: 1, endValue: 0.5 }),
          linearScheduler({ startValue: 0.5, endValue: 0.1 }),
          constantScheduler({ value: 0.1 }),
        ],
        lengths: [0.1, 0.4, 0.4, 0.1],
        intervalScaling: ['rescaled', 'rescaled', 'rescaled', 'fixed'],
      }),
    ],
    [
      'warmup(cosine)',
      warmupScheduler({ scheduler: cosineScheduler({ startValue: 1, endValue: 0 }), warmupFactor: 0.001, warmupLength: 0.025 }),
    ],
  ];
}

// One pass over the run; the sum is returned so the JIT cannot drop the calls.
function pass(m: ParamScheduler, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i += 1) sum += m(whereAt(i, n));
  return sum;
}

// CPU time of this process (user + system), in ns: on a shared, loaded machine wall time mostly
// measures the other processes; CPU time measures our work.
function cpuNs(): number {
  const usage: NodeJS.CpuUsage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

function measure(n: number, body: () => number): { cpu: number; wall: number } {
  const wall0: number = performance.now();
  const cpu0: number = cpuNs();
  const sum: number = body();
  const cpu: number = (cpuNs() - cpu0) / n;
  const wall: number = ((performance.now() - wall0) * 1e6) / n;
  if (!Number.isFinite(sum)) throw new Error('schedule produced a non-finite value');
  return { cpu, wall };
}

// The floor for the pow-based schedules (exponential, polynomial, WarmupPolyLR): the same loop
// with the power inlined and no closure call.
function powLoop(n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i += 1) sum += 0.3 ** whereAt(i, n);
  return sum;
}

function time(m: ParamScheduler, n: number): { cpu: number; wall: number } {
  pass(m, Math.min(n, 100_000)); // warm the JIT
  return measure(n, () => pass(m, n));
}

function timeMultiplier(n: number): { cpu: number; wall: number } {
  const target = { baseLearningRates: [0.02, 0.01, 0.002], setLearningRates: (): void => undefined };
  const lr: LrMultiplier = new LrMultiplier(target, fromConfig({}, n), n);
  return measure(n, () => {
    for (let i = 0; i < n; i += 1) lr.step();
    return lr.current.multiplier;
  });
}

/** Runs the case: 1,000,000 iterations per schedule (100,000 with `quick`). */
export async function run(options: { quick: boolean }): Promise<{ title: string; markdown: string; json: unknown }> {
  const n: number = options.quick ? 100_000 : 1_000_000;
  const row = (name: string, t: { cpu: number; wall: number }): Row => ({
    name,
    iterations: n,
    nsPerIteration: t.cpu,
    wallNsPerIteration: t.wall,
  });
  const rows: Row[] = schedules(n).map(([name, m]) => row(name, time(m, n)));
  const worst: number = Math.max(...rows.map((r: Row) => r.nsPerIteration));
  rows.push(
    row(
      '(reference) the loop with Math.pow(0.3, where) inlined',
      measure(n, () => powLoop(n)),
    ),
  );
  rows.push(row('(info) LrMultiplier.step, 3 groups, WarmupMultiStepLR', timeMultiplier(n)));
  const table: string[] = rows.map(
    (r: Row) =>
      `| ${r.name} | ${r.iterations} | ${r.nsPerIteration.toFixed(1)} | ${r.wallNsPerIteration.toFixed(1)} | ${r.nsPerIteration < TARGET_NS ? 'yes' : 'NO'} |`,
  );
  const markdown: string = [
    `Each schedule evaluated at where = i / N for i = 0..N−1 (N = ${n}), after a JIT warm-up pass; Node ${process.version}.`,
    '',
    `| schedule | iterations | CPU ns / iteration | wall ns / iteration | < ${TARGET_NS} ns |`,
    '|---|---|---|---|---|',
    ...table,
    '',
    `Slowest schedule: ${worst.toFixed(1)} CPU ns per iteration (target < ${TARGET_NS} ns). CPU time is the process's`,
    'user + system time, which stays meaningful when other processes load the machine; wall time is shown too.',
  ].join('\n');
  return Promise.resolve({ title: 'LR schedules: ns per iteration', markdown, json: { iterations: n, targetNs: TARGET_NS, rows } });
}
