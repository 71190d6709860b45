import { formatValue, SolverError } from '../errors.js';
import { type ConfigLayer, isMapping } from './load.js';
import { DEFAULT_CONFIG } from './schema.js';

/**
 * Levenshtein distance: the fewest single-character insertions, deletions or substitutions that
 * turn `a` into `b` (or `limit + 1` as soon as it is known to exceed `limit`). Used for did-you-mean
 * suggestions on unknown config keys.
 * @example editDistance('BASE_LRR', 'BASE_LR') // 1
 */
export function editDistance(a: string, b: string, limit: number = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous: number[] = Array.from({ length: b.length + 1 }, (_unused: unknown, j: number) => j);
  let current: number[] = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i += 1) {
    current[0] = i;
    let rowMin: number = i;
    for (let j = 1; j <= b.length; j += 1) {
      const substitution: number = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      const cell: number = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
      current[j] = cell;
      rowMin = Math.min(rowMin, cell);
    }
    // Every later row is at least this row's minimum: stop once it passes the limit.
    if (rowMin > limit) return limit + 1;
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate closest to `key` (compared case-insensitively), or `undefined` when none is close:
 * at most 2 edits, or a third of the key's length for long keys.
 * @example suggestKey('BASE_LRR', ['BASE_LR', 'GAMMA']) // 'BASE_LR'
 */
export function suggestKey(key: string, candidates: readonly string[]): string | undefined {
  const limit: number = Math.max(2, Math.floor(key.length / 3));
  const upper: string = key.toUpperCase();
  let best: string | undefined;
  let bestDistance: number = limit + 1;
  for (const candidate of candidates) {
    const distance: number = editDistance(upper, candidate.toUpperCase(), bestDistance - 1);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Keys that detectron2 config files contain and that belong to other tools. They are dropped
 * (with one warning) so a real detectron2 file loads; they never get a did-you-mean error.
 *
 * Top level: detectron2's `config/defaults.py` sections and scalars other than `SOLVER`,
 * `OUTPUT_DIR` and `SEED`. Inside `SOLVER`: `AMP` (mixed precision, which tfjs does not have).
 */
export const FOREIGN_KEYS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  '': Object.freeze([
    'MODEL',
    'DATASETS',
    'DATALOADER',
    'INPUT',
    'TEST',
    'VERSION',
    'CUDNN_BENCHMARK',
    'VIS_PERIOD',
    'GLOBAL',
    'FLOAT32_PRECISION',
  ]),
  SOLVER: Object.freeze(['AMP']),
});

/** A layer's keys after sorting: the ones we own, and the key paths that belong to other tools. */
export interface SplitLayer {
  readonly owned: Record<string, unknown>;
  readonly foreign: readonly string[];
}

/**
 * Separates a layer's keys into ours and other tools', checking ours against the known key tree
 * (the shape of `DEFAULT_CONFIG`).
 *
 * Why: a detectron2 file has `MODEL`, `DATASETS`, … that we must ignore, yet a typo inside a
 * section we own (`SOLVER.BASE_LRR`) must stop the run instead of silently using a default.
 * Unknown top-level keys close to one of ours (`SOLVR`) are typos too, and fail the same way.
 *
 * @throws SolverError kind `config`: `SOLVER.BASE_LRR: unknown key in a.yaml (did you mean SOLVER.BASE_LR?)`.
 */
export function splitForeignKeys(layer: ConfigLayer): SplitLayer {
  const foreign: string[] = [];
  const owned = splitMapping(layer.data, DEFAULT_CONFIG, '', layer.source, foreign);
  return { owned, foreign };
}

function splitMapping(
  data: Readonly<Record<string, unknown>>,
  shape: object,
  path: string,
  source: string,
  foreign: string[],
): Record<string, unknown> {
  const known: readonly string[] = Object.keys(shape);
  const foreignHere: readonly string[] = FOREIGN_KEYS[path] ?? [];
  const owned: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const keyPath: string = path === '' ? key : `${path}.${key}`;
    const child: unknown = (shape as Record<string, unknown>)[key];
    if (known.includes(key)) {
      owned[key] = isMapping(child) ? splitSection(value, child, keyPath, source, foreign) : value;
    } else if (path === '' && key === '_BASE_') {
      continue;
    } else if (foreignHere.includes(key) || (path === '' && suggestKey(key, known) === undefined)) {
      foreign.push(keyPath);
    } else {
      throw unknownKey(keyPath, path, key, known, source);
    }
  }
  return owned;
}

function splitSection(value: unknown, shape: object, path: string, source: string, foreign: string[]): unknown {
  if (value === null) return {};
  if (!isMapping(value)) {
    throw new SolverError('config', `${path}: got ${formatValue(value)}, expected a mapping of keys (in ${source})`);
  }
  return splitMapping(value, shape, path, source, foreign);
}

function unknownKey(keyPath: string, path: string, key: string, known: readonly string[], source: string): SolverError {
  const suggestion: string | undefined = suggestKey(key, known);
  const prefix: string = path === '' ? '' : `${path}.`;
  const hint: string =
    suggestion === undefined
      ? `expected one of ${known.map((k: string) => prefix + k).join(', ')}`
      : `did you mean ${prefix}${suggestion}?`;
  return new SolverError('config', `${keyPath}: unknown key in ${source} (${hint})`);
}
