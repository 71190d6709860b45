import { formatValue, SolverError } from '../errors.js';
import { type Logger, silentLogger, type TextFileReader } from '../io/interfaces.js';
import { splitForeignKeys } from './keys.js';
import { DEFAULT_CONFIG, type SolverConfig, validateConfig } from './schema.js';

/**
 * One source of config values, before validation: a parsed YAML file, or the `--opts` overrides.
 * Layers are merged in order, later ones winning key by key.
 */
export interface ConfigLayer {
  /** Where the values came from, as shown in messages: a file path, or `--opts`. */
  readonly source: string;
  /** The parsed mapping, as the YAML parser (or the override parser) produced it. */
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * Options of `loadConfig`, `parseConfig` and `mergeConfig`.
 *
 * Why: where warnings go and how files are read are the caller's choice (a page has no disk).
 *
 * @example
 * ```ts
 * const options: ConfigLoadOptions = { reader: memoryTextFileReader({ 'run.yaml': 'SOLVER: {BASE_LR: 0.1}' }) };
 * ```
 */
export interface ConfigLoadOptions {
  /** Receives the one warning that lists ignored sections of other tools. Default: silent. */
  readonly logger?: Logger;
  /** How files are read (`loadConfig` only). Default: the Node file system. */
  readonly reader?: TextFileReader;
}

/** Merged, not yet validated config data, with where each value came from. */
export interface MergedConfig {
  /** The merged mapping (defaults, then each layer in order). */
  readonly data: Record<string, unknown>;
  /** Key path (`SOLVER.BASE_LR`) → the source that set it last; keys still at their default are absent. */
  readonly origins: ReadonlyMap<string, string>;
}

/** True for a plain mapping (a parsed YAML map or an object literal), false for lists, null and scalars. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Deepest nesting of lists and mappings config data may have (a config needs 3 levels). */
export const MAX_CONFIG_DEPTH: number = 32;

function describeValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return undefined;
    case 'object': {
      if (value === null || Array.isArray(value)) return undefined;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto === Object.prototype || proto === null) return undefined;
      const name: unknown = (proto as { constructor?: { name?: unknown } }).constructor?.name;
      return `a ${typeof name === 'string' && name !== '' ? name : 'non-plain'} object`;
    }
    case 'symbol':
      return `the symbol ${value.description ?? ''}`;
    default:
      return `a ${typeof value}`;
  }
}

/**
 * Checks that `value` is plain config data: mappings, lists, strings, numbers, booleans and null,
 * at most {@link MAX_CONFIG_DEPTH} levels deep, with no cycle and no key `__proto__`,
 * `constructor` or `prototype`. Time linear in the size of `value`; no recursion.
 *
 * Why: merging a `__proto__` key into an object is the classic prototype-pollution attack; a YAML
 * alias can make a list contain itself (`a: &a [*a]`); YAML tags make sets, dates, buffers and
 * symbols (`!!merge`). None of these is a config value, so they are refused before anything reads them.
 *
 * @param value a parsed YAML document, an object literal, or an override value.
 * @param source the file (or `--opts`) it came from, for the message.
 * @param path the key path of `value` itself (empty for a whole document).
 * @throws SolverError kind `config` naming the key path and the source:
 *   `SOLVER.__proto__: key refused in a.yaml (...)`, `a[0]: got a list that contains itself (in a.yaml) ...`.
 */
export function rejectUnsafeKeys(value: unknown, source: string, path: string = ''): void {
  const stack: { value: unknown; path: string; depth: number; ancestors: readonly object[] }[] = [{ value, path, depth: 0, ancestors: [] }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const shown: string = item.path === '' ? 'the document' : item.path;
    const odd: string | undefined = describeValue(item.value);
    if (odd !== undefined) {
      throw new SolverError(
        'config',
        `${shown}: got ${odd} (in ${source}), expected plain data (a number, string, boolean, null, list or mapping)`,
      );
    }
    if (typeof item.value !== 'object' || item.value === null) continue;
    const node: object = item.value;
    if (item.ancestors.includes(node)) {
      throw new SolverError(
        'config',
        `${shown}: got a value that contains itself (in ${source}), expected data without cycles (a YAML alias inside its own anchor)`,
      );
    }
    if (item.depth >= MAX_CONFIG_DEPTH) {
      throw new SolverError(
        'config',
        `${shown}: nested more than ${MAX_CONFIG_DEPTH} levels deep (in ${source}), expected a config (3 levels)`,
      );
    }
    const ancestors: readonly object[] = [...item.ancestors, node];
    const isList: boolean = Array.isArray(node);
    for (const key of Object.keys(node)) {
      const childPath: string = isList ? `${item.path}[${key}]` : item.path === '' ? key : `${item.path}.${key}`;
      if (!isList && UNSAFE_KEYS.has(key)) {
        throw new SolverError(
          'config',
          `${childPath}: key refused in ${source} (__proto__, constructor and prototype are never config keys)`,
        );
      }
      stack.push({ value: (node as Record<string, unknown>)[key], path: childPath, depth: item.depth + 1, ancestors });
    }
  }
}

/** At most this many ignored keys are named in the warning about other tools' keys. */
export const MAX_LISTED_KEYS: number = 20;

/** The source name override values are reported under. */
export const OVERRIDES_SOURCE: string = '--opts';

const CORE_NUMBER: RegExp = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** A plain scalar as YAML 1.2's core schema reads it: null, booleans, numbers (`1e-4`, `.inf`, `0x1F`), else the text. */
function coreScalar(text: string): unknown {
  if (/^(null|Null|NULL|~|)$/.test(text)) return null;
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (CORE_NUMBER.test(text)) return Number(text);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^0o[0-7]+$/.test(text)) return Number.parseInt(text.slice(2), 8);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(text)) return NaN;
  return text;
}

/**
 * Reads one `--opts` value the way detectron2's overrides are written: a scalar (`0.02`, `true`,
 * `null`, `1e-4`, `.inf`, `"quoted"`, plain text, a Python tuple `(100, 200)` that becomes a list
 * where a list is expected) or a flow list `[1, 2]` of such values. Scalars follow YAML 1.2's
 * core schema, so a value means the same as in a config file.
 *
 * Why not a YAML parser: building a config from data in memory must not load one (browser bundles).
 *
 * @throws SolverError kind `config`: `--opts SOLVER.STEPS: invalid value: "[1, 2" (a list is not closed)`.
 */
export function readOverrideValue(text: string, source: string): unknown {
  let at = 0;
  const fail = (why: string): never => {
    throw new SolverError('config', `${source}: invalid value: ${formatValue(text)} (${why})`);
  };
  const skip = (): void => {
    while (at < text.length && /\s/.test(text[at] ?? '')) at += 1;
  };
  const quoted = (): string => {
    const quote: string = text[at] ?? '';
    let end: number = at + 1;
    while (end < text.length && text[end] !== quote) end += text[end] === '\\' && quote === '"' ? 2 : 1;
    if (end >= text.length) fail('a quoted string is not closed');
    const body: string = text.slice(at, end + 1);
    at = end + 1;
    if (quote === "'") return body.slice(1, -1).replaceAll("''", "'");
    try {
      return JSON.parse(body) as string;
    } catch {
      return fail('a quoted string has an invalid escape');
    }
  };
  const item = (depth: number): unknown => {
    skip();
    const first: string = text[at] ?? '';
    if (first === '[') {
      if (depth >= MAX_CONFIG_DEPTH) fail(`lists nested more than ${MAX_CONFIG_DEPTH} levels deep`);
      at += 1;
      const list: unknown[] = [];
      skip();
      if (text[at] === ']') {
        at += 1;
        return list;
      }
      for (;;) {
        list.push(item(depth + 1));
        skip();
        const next: string = text[at] ?? '';
        at += 1;
        if (next === ']') return list;
        if (next !== ',') fail(next === '' ? 'a list is not closed' : `expected , or ] at character ${at}`);
        skip();
        if (text[at] === ']') {
          at += 1;
          return list;
        }
      }
    }
    if (first === '{') fail('a mapping is not an override value; set each key, e.g. SOLVER.CLIP_GRADIENTS.ENABLED true');
    if (first === '"' || first === "'") return quoted();
    if (depth === 0) {
      const rest: string = text.slice(at).trim();
      at = text.length;
      return coreScalar(rest);
    }
    const start: number = at;
    while (at < text.length && text[at] !== ',' && text[at] !== ']') at += 1;
    return coreScalar(text.slice(start, at).trim());
  };
  const value: unknown = item(0);
  skip();
  if (at < text.length) fail(`unexpected text after the value at character ${at + 1}`);
  return value;
}

/**
 * Turns detectron2-style `--opts` overrides, `['SOLVER.BASE_LR', '0.02', 'SOLVER.STEPS', '(100, 200)']`,
 * into a layer `{ SOLVER: { BASE_LR: 0.02, STEPS: '(100, 200)' } }`. Each value is read by
 * {@link readOverrideValue} (so `0.02` is a number, `true` a boolean, `[1, 2]` a list); tuple strings become lists later,
 * where a list is expected. Later pairs win over earlier ones.
 *
 * @throws SolverError kind `config` for an odd number of items, an empty key segment, a refused key
 *   (`__proto__`, …), or a value that cannot be read.
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
      throw new SolverError('config', `${OVERRIDES_SOURCE}: got key ${formatValue(key)}, expected KEY like SOLVER.BASE_LR`);
    }
    rejectUnsafeKeys(
      segments.reduceRight<unknown>((inner: unknown, segment: string) => Object.fromEntries([[segment, inner]]), null),
      OVERRIDES_SOURCE,
    );
    const value: unknown = readOverrideValue(overrides[i + 1] ?? '', `${OVERRIDES_SOURCE} ${key}`);
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

/**
 * The shared core of `loadConfig`, `parseConfig` and `mergeConfig`: checks each layer's keys, drops
 * other tools' sections with ONE warning that lists them all, merges the layers over `base`, validates.
 *
 * @param base the values below the first layer (the defaults, or a config being patched).
 * @param layers the layers in merge order (bases, file, overrides).
 * @param logger receives the warning; default silent.
 * @returns a deeply frozen, validated config.
 * @throws SolverError kind `config` naming the key path, the value, the rule and the source.
 */
export function resolveConfig(base: SolverConfig, layers: readonly ConfigLayer[], logger: Logger = silentLogger): SolverConfig {
  const owned: OwnedLayer[] = [];
  const foreign: Set<string> = new Set();
  const foreignSources: string[] = [];
  for (const layer of layers) {
    const split = splitForeignKeys(layer);
    owned.push({ source: layer.source, owned: split.owned });
    for (const key of split.foreign) foreign.add(key);
    if (split.foreign.length > 0) foreignSources.push(layer.source);
  }
  const config: SolverConfig = validateConfig(mergeLayers(base, owned));
  if (foreign.size > 0) {
    const listed: string[] = [...foreign].slice(0, MAX_LISTED_KEYS);
    const more: string = foreign.size > MAX_LISTED_KEYS ? ` and ${foreign.size - MAX_LISTED_KEYS} more` : '';
    logger.warn(`ignored keys that belong to other tools: ${listed.join(', ')}${more} (in ${foreignSources.join(', ')})`);
  }
  return config;
}

/**
 * Builds a config from data already in memory (a parsed YAML document, an object literal), with the
 * same rules as {@link loadConfig} but no file access: the defaults, then `data`, then `overrides`.
 *
 * Why: browsers have no file system, and tests and examples build configs inline.
 * A `_BASE_` key is refused here (there is nothing to resolve it against); use `loadConfig` with a reader.
 *
 * @param data a mapping of config keys, e.g. `{ SOLVER: { BASE_LR: 0.02, STEPS: '(100, 200)' } }`.
 * @param source how messages name `data`; default `config`.
 * @param overrides `KEY VALUE` pairs as detectron2's `--opts`; default none.
 * @param options `logger` for the ignored-sections warning.
 * @returns the validated, deeply frozen config.
 * @throws SolverError kind `config` naming key path, value, rule and source.
 * @example
 * ```ts
 * parseConfig({ SOLVER: { MAX_ITER: 2000, STEPS: '(1500,)' } }).SOLVER.STEPS; // [1500]
 * ```
 */
export function parseConfig(
  data: unknown,
  source: string = 'config',
  overrides: readonly string[] = [],
  options: ConfigLoadOptions = {},
): SolverConfig {
  if (!isMapping(data)) {
    throw new SolverError('config', `${source}: got ${formatValue(data)}, expected a mapping of config keys at the top level`);
  }
  if (data._BASE_ !== undefined) {
    throw new SolverError('config', `_BASE_: not supported by parseConfig (in ${source}); use loadConfig with a reader`);
  }
  rejectUnsafeKeys(data, source);
  return resolveConfig(DEFAULT_CONFIG, [{ source, data }, overridesToLayer(overrides)], options.logger);
}

/**
 * A new config: `base` with `patch` deep-merged over it and validated again; `base` is untouched.
 *
 * Why: configs are frozen, so a variant (another LR, clipping on) is derived, never mutated.
 *
 * @param base a valid config (e.g. `DEFAULT_CONFIG` or a loaded one).
 * @param patch the keys to change, as in a YAML file: `{ SOLVER: { BASE_LR: 0.1 } }`.
 * @param source how messages name `patch`; default `patch`.
 * @param options `logger` for the ignored-sections warning.
 * @returns the validated, deeply frozen config.
 * @throws SolverError kind `config` naming key path, value, rule and source.
 * @example
 * ```ts
 * const clipped = mergeConfig(DEFAULT_CONFIG, { SOLVER: { CLIP_GRADIENTS: { ENABLED: true } } });
 * ```
 */
export function mergeConfig(base: SolverConfig, patch: unknown, source: string = 'patch', options: ConfigLoadOptions = {}): SolverConfig {
  if (!isMapping(patch)) {
    throw new SolverError('config', `${source}: got ${formatValue(patch)}, expected a mapping of config keys`);
  }
  rejectUnsafeKeys(patch, source);
  return resolveConfig(base, [{ source, data: patch }], options.logger);
}
