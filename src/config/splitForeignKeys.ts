import { SolverError } from '../errors/SolverError.js';
import type { ConfigLayer } from './ConfigLayer.js';
import { DEFAULT_CONFIG } from './defaults.js';
import { FOREIGN_KEYS } from './foreignKeys.js';
import { formatValue } from './formatValue.js';
import { isMapping } from './isMapping.js';
import { suggestKey } from './suggestKey.js';

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
    suggestion === undefined ? `expected one of ${known.map((k: string) => prefix + k).join(', ')}` : `did you mean ${prefix}${suggestion}?`;
  return new SolverError('config', `${keyPath}: unknown key in ${source} (${hint})`);
}
