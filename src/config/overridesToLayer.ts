import { SolverError } from '../errors/SolverError.js';
import type { ConfigLayer } from './ConfigLayer.js';
import { isMapping } from './isMapping.js';
import { parseYamlText } from './parseYamlText.js';
import { rejectUnsafeKeys } from './rejectUnsafeKeys.js';

/** The source name override values are reported under. */
export const OVERRIDES_SOURCE: string = '--opts';

/**
 * Turns detectron2-style `--opts` overrides, `['SOLVER.BASE_LR', '0.02', 'SOLVER.STEPS', '(100, 200)']`,
 * into a layer `{ SOLVER: { BASE_LR: 0.02, STEPS: '(100, 200)' } }`. Each value is parsed as YAML
 * (so `0.02` is a number, `true` a boolean, `[1, 2]` a list); tuple strings become lists later,
 * where a list is expected. Later pairs win over earlier ones.
 *
 * @throws SolverError kind `config` for an odd number of items, an empty key segment, a refused key
 *   (`__proto__`, …), or a value that is not valid YAML.
 */
export function overridesToLayer(overrides: readonly string[]): ConfigLayer {
  if (overrides.length % 2 !== 0) {
    throw new SolverError(
      'config',
      `${OVERRIDES_SOURCE}: got ${overrides.length} items (${overrides.join(' ')}), expected KEY VALUE pairs`,
    );
  }
  const data: Record<string, unknown> = {};
  for (let i = 0; i < overrides.length; i += 2) {
    const key: string = overrides[i] ?? '';
    const segments: string[] = key.split('.');
    if (segments.some((segment: string) => segment === '')) {
      throw new SolverError('config', `${OVERRIDES_SOURCE}: got key ${JSON.stringify(key)}, expected KEY like SOLVER.BASE_LR`);
    }
    rejectUnsafeKeys(segments.reduceRight<unknown>((inner: unknown, segment: string) => Object.fromEntries([[segment, inner]]), null), OVERRIDES_SOURCE);
    const value: unknown = parseYamlText(overrides[i + 1] ?? '', `${OVERRIDES_SOURCE} ${key}`);
    setPath(data, segments, value);
  }
  return { source: OVERRIDES_SOURCE, data };
}

function setPath(target: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const segment of segments.slice(0, -1)) {
    const next: unknown = node[segment];
    const child: Record<string, unknown> = isMapping(next) ? next : {};
    node[segment] = child;
    node = child;
  }
  node[segments[segments.length - 1] ?? ''] = value;
}
