import type { SetResult } from './runBackend.js';

/** One target of issue 6, checked on one run. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

const median = (r: SetResult, key: string): number => r.cases.find((c) => c.key === key)?.medianMs ?? NaN;

/** Checks issue 6's targets on the results (first set = ResNet-50 shapes, second = small tensors). */
export function checkTargets(results: readonly SetResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const add = (target: string, value: number, met: boolean, unit = '×'): void => {
    checks.push({ target, measured: `${value.toFixed(3)}${unit}`, met });
  };
  for (const r of results) {
    const big = r.floats > 1e6;
    const ours = median(r, 'ours');
    const momentum = median(r, 'tf.momentum');
    const where = `${r.backend}, ${big ? 'ResNet-50' : '400 small'}`;
    if (big && r.backend === 'wasm') {
      add(`${where}: full step ≤ 1.0× tf.train.momentum`, ours / momentum, ours <= momentum);
      add(`${where}: full step ≤ 4× floor`, ours / median(r, 'floor'), ours <= 4 * median(r, 'floor'));
    }
    if (big && r.backend === 'cpu') add(`${where}: full step ≥ 10× faster than tf.train.momentum`, momentum / ours, momentum >= 10 * ours);
    if (big)
      add(
        `${where}: AdamW ≥ 2× faster than tf.train.adam`,
        median(r, 'tf.adam') / median(r, 'ours-adamw'),
        median(r, 'tf.adam') >= 2 * median(r, 'ours-adamw'),
      );
    if (!big) add(`${where}: full step ≤ 1.0× tf.train.momentum`, ours / momentum, ours <= momentum);
    for (const c of r.cases.filter((x) => x.key === 'ours' || x.key === 'ours-adamw')) {
      checks.push({
        target: `${where}: ${c.key} zero syncs, zero tensor growth`,
        measured: `${c.syncsPerStep} syncs/step, ${c.tensorsAfter - c.tensorsBefore} tensors`,
        met: c.syncsPerStep === 0 && c.tensorsAfter === c.tensorsBefore,
      });
    }
  }
  return checks;
}
