import { isMapping } from './isMapping.js';
import type { MergedConfig } from './MergedConfig.js';

/** One layer's owned keys and where they came from, ready to merge. */
export interface OwnedLayer {
  readonly source: string;
  readonly owned: Readonly<Record<string, unknown>>;
}

/**
 * Deep-merges `layers` over `base`, in order: mappings merge key by key, any other value (lists
 * included, as in detectron2) replaces the one below. Inputs are not modified.
 *
 * @param base the starting values (usually the defaults).
 * @param layers the owned keys of each file, then the overrides.
 * @returns the merged data and, per key path, the source that set it last.
 */
export function mergeLayers(base: Readonly<Record<string, unknown>>, layers: readonly OwnedLayer[]): MergedConfig {
  const data: Record<string, unknown> = copyMapping(base);
  const origins: Map<string, string> = new Map();
  for (const layer of layers) mergeInto(data, layer.owned, '', layer.source, origins);
  return { data, origins };
}

function mergeInto(
  target: Record<string, unknown>,
  patch: Readonly<Record<string, unknown>>,
  path: string,
  source: string,
  origins: Map<string, string>,
): void {
  for (const [key, value] of Object.entries(patch)) {
    const keyPath: string = path === '' ? key : `${path}.${key}`;
    const current: unknown = target[key];
    if (isMapping(current) && isMapping(value)) {
      mergeInto(current, value, keyPath, source, origins);
    } else {
      target[key] = isMapping(value) ? copyMapping(value) : value;
      origins.set(keyPath, source);
    }
  }
}

function copyMapping(value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) copy[key] = isMapping(child) ? copyMapping(child) : child;
  return copy;
}
