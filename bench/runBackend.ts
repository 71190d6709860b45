import * as tf from '@tensorflow/tfjs';
import type { BenchCase, CaseResult } from './BenchCase.js';
import type { ParamSet } from './ParamSpec.js';
import { makeGrads, runCase, type StepPlan } from './runCase.js';

/** Results of all cases for one backend and one parameter set. */
export interface SetResult {
  readonly backend: string;
  readonly set: string;
  readonly floats: number;
  readonly cases: readonly CaseResult[];
}

/** Cases whose step takes seconds on the cpu backend with ResNet-50 shapes. */
const SLOW_ON_CPU = new Set(['tf.sgd', 'tf.momentum', 'tf.adam', 'naive-clip', 'ours-ops']);

/** Cases that take seconds per step with ResNet-50 shapes on any backend here. */
const SLOW_EVERYWHERE = new Set(['naive-clip', 'ours-ops']);

/**
 * Step counts: ResNet-50 shapes on cpu take ~2.4 s per built-in momentum step, so few steps there;
 * more on wasm; many on the small set.
 */
export function planFor(backend: string, big: boolean, key: string, quick: boolean): StepPlan {
  if (!big) return quick ? { warmup: 2, steps: 5 } : { warmup: 5, steps: 30 };
  if (backend === 'cpu') {
    if (key === 'ours-ops') return { warmup: 1, steps: 1 };
    if (SLOW_ON_CPU.has(key)) return quick ? { warmup: 1, steps: 1 } : { warmup: 1, steps: 2 };
    return quick ? { warmup: 1, steps: 2 } : { warmup: 2, steps: 7 };
  }
  if (SLOW_EVERYWHERE.has(key)) return quick ? { warmup: 1, steps: 1 } : { warmup: 1, steps: 3 };
  return quick ? { warmup: 1, steps: 3 } : { warmup: 3, steps: 15 };
}

/** Runs every case on one backend for each set; logs progress to stderr. */
export async function runBackend(
  backend: string,
  sets: readonly ParamSet[],
  cases: readonly BenchCase[],
  quick: boolean,
  floats: (set: ParamSet) => number,
): Promise<SetResult[]> {
  await tf.setBackend(backend);
  await tf.ready();
  const results: SetResult[] = [];
  for (const set of sets) {
    const big = floats(set) > 1e6;
    const grads = makeGrads(set);
    const rows: CaseResult[] = [];
    for (const bench of cases) {
      const row = runCase(bench, set, grads, planFor(backend, big, bench.key, quick));
      process.stderr.write(`  ${backend} | ${set.name} | ${bench.name}: ${row.medianMs.toFixed(1)} ms\n`);
      rows.push(row);
    }
    tf.dispose(grads);
    results.push({ backend, set: set.name, floats: floats(set), cases: rows });
  }
  return results;
}
