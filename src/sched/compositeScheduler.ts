import type { ParamScheduler } from './ParamScheduler.js';
import { WHERE_EPSILON } from './ParamScheduler.js';
import { argumentError, finiteListArg } from './schedulerArgs.js';

/** How a part of a composite sees `where`: its own [0, 1] (`rescaled`) or the global one (`fixed`). */
export type IntervalScaling = 'rescaled' | 'fixed';

/** Arguments of {@link compositeScheduler}. */
export interface CompositeSchedulerArgs {
  /** The parts, run one after another. */
  readonly schedulers: readonly ParamScheduler[];
  /** Share of the run of each part, each in [0, 1], summing to 1 within 1e-3. */
  readonly lengths: readonly number[];
  /** One per part. */
  readonly intervalScaling: readonly IntervalScaling[];
}

const NAME = 'compositeScheduler';

function checkLengths(args: CompositeSchedulerArgs): number[] {
  const count: number = Array.isArray(args.schedulers) ? args.schedulers.length : NaN;
  if (!(count > 0) || !args.schedulers.every((s: unknown) => typeof s === 'function')) {
    throw argumentError(`${NAME}.schedulers`, args.schedulers, 'a non-empty array of schedulers');
  }
  const lengths: number[] = [...finiteListArg(`${NAME}.lengths`, args.lengths)];
  if (lengths.length !== count) {
    throw argumentError(`${NAME}.lengths`, lengths, `one length per scheduler (${count})`);
  }
  const sum: number = lengths.reduce((a: number, b: number) => a + b, 0);
  if (Math.abs(sum - 1.0) >= 1e-3 || lengths.some((l: number) => l < 0)) {
    throw argumentError(`${NAME}.lengths`, lengths, `values >= 0 summing to 1 (within 1e-3), sum is ${sum}`);
  }
  if (sum !== 1.0) lengths[count - 1] = 1.0 - lengths.slice(0, -1).reduce((a: number, b: number) => a + b, 0);
  return lengths;
}

function checkScaling(args: CompositeSchedulerArgs, lengths: readonly number[]): readonly boolean[] {
  const scaling: readonly unknown[] = Array.isArray(args.intervalScaling) ? args.intervalScaling : [];
  scaling.forEach((s: unknown, k: number) => {
    if (s !== 'rescaled' && s !== 'fixed') throw argumentError(`${NAME}.intervalScaling[${k}]`, s, `'rescaled' or 'fixed'`);
  });
  if (scaling.length !== lengths.length) {
    throw argumentError(`${NAME}.intervalScaling`, args.intervalScaling, `one entry per scheduler (${lengths.length})`);
  }
  const last: number = lengths.length - 1;
  if (scaling[last] === 'rescaled' && !((lengths[last] ?? 0) > 0)) {
    throw argumentError(`${NAME}.lengths[${last}]`, lengths[last], `> 0 for a 'rescaled' last part (it is reached at where = 1)`);
  }
  return scaling.map((s: unknown) => s === 'rescaled');
}

/**
 * Runs schedulers one after another over shares of the run (fvcore `CompositeParamScheduler`).
 *
 * Why: warmup is a composite (a short linear or constant part, then the main schedule). Part `i`
 * is the first with `where + 1e-6 <= lengths[0] + … + lengths[i]` (else the last); a `rescaled`
 * part sees `(where − start_i) / lengths[i]`, a `fixed` one sees `where`. The running sums and
 * `start_i = sum_i − lengths[i]` are computed exactly as fvcore computes them (once, here), so the
 * values agree with the reference to the last bit. NOTE: fvcore rewrites the caller's last length
 * when the sum is off by less than 1e-3; here a copy is adjusted. Unlike fvcore, `intervalScaling`
 * must have one entry per part, and a zero-length `rescaled` last part is refused (it divides by 0).
 *
 * @param args see {@link CompositeSchedulerArgs}.
 * @returns the scheduler.
 * @throws SolverError('argument') naming the argument that breaks its rule.
 * @example
 * ```ts
 * const s = compositeScheduler({
 *   schedulers: [constantScheduler({ value: 0.42 }), cosineScheduler({ startValue: 0.42, endValue: 1e-4 })],
 *   lengths: [0.3, 0.7],
 *   intervalScaling: ['rescaled', 'rescaled'],
 * });
 * s(0.1); // 0.42, then a cosine from 0.42 (at 30%) down to 1e-4 (at 100%)
 * ```
 */
export function compositeScheduler(args: CompositeSchedulerArgs): ParamScheduler {
  const lengths: readonly number[] = checkLengths(args);
  const rescaled: readonly boolean[] = checkScaling(args, lengths);
  const parts: readonly ParamScheduler[] = [...args.schedulers];
  const ends: number[] = [];
  lengths.reduce((running: number, length: number, k: number) => {
    const end: number = k === 0 ? length : running + length;
    ends.push(end);
    return end;
  }, 0);
  const starts: readonly number[] = ends.map((end: number, k: number) => end - (lengths[k] ?? NaN));
  const last: number = parts.length - 1;
  return (where: number): number => {
    let i = 0;
    while (i < last && where + WHERE_EPSILON > (ends[i] ?? NaN)) i += 1;
    const part: ParamScheduler = parts[i] ?? ((): number => NaN);
    return rescaled[i] === true ? part((where - (starts[i] ?? NaN)) / (lengths[i] ?? NaN)) : part(where);
  };
}
