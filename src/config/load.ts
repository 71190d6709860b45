import { parseDocument } from 'yaml';
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
 * Why: a config from detectron2 has sections of other tools; the one warning naming them goes where you choose.
 * @example
 * ```ts
 * const warnings: string[] = [];
 * const options: ConfigLoadOptions = { logger: { info: () => undefined, warn: (m) => warnings.push(m) } };
 * parseConfig({ MODEL: { WEIGHTS: 'x.pkl' }, SOLVER: { BASE_LR: 0.1 } }, 'inline', [], options);
 * // warnings: ['ignored keys that belong to other tools: MODEL (in inline)']
 * ```
 */
export interface ConfigLoadOptions {
  /** Receives the one warning that lists ignored sections of other tools. Default: silent. */
  readonly logger?: Logger;
  /** How files are read (`loadConfig` only). Required by the browser-safe entry; the Node entry defaults to the disk. */
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

/**
 * Throws when any mapping in `value` has a key `__proto__`, `constructor` or `prototype`.
 *
 * Why: merging such a key into an object is the classic prototype-pollution attack; no config key
 * is spelled like that, so refusing them costs nothing.
 *
 * @param value a parsed YAML document or override value.
 * @param source the file (or `--opts`) it came from, for the message.
 * @param path the key path of `value` itself (empty for a whole document).
 * @throws SolverError kind `config`: `SOLVER.__proto__: key refused in a.yaml (...)`.
 */
export function rejectUnsafeKeys(value: unknown, source: string, path: string = ''): void {
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    const childPath: string = path === '' ? key : `${path}.${key}`;
    if (UNSAFE_KEYS.has(key)) {
      throw new SolverError(
        'config',
        `${childPath}: key refused in ${source} (__proto__, constructor and prototype are never config keys)`,
      );
    }
    rejectUnsafeKeys(child, source, childPath);
  }
}

/** Most alias expansions a document may contain; a "billion laughs" document needs far more. */
export const MAX_ALIAS_COUNT: number = 100;

/**
 * Parses YAML 1.2 text (one document, unique keys) into plain data.
 *
 * Why these options: YAML 1.2 reads `1e-4` as a number and `yes` as a string; duplicate keys are
 * almost always a mistake; alias bombs are refused ({@link MAX_ALIAS_COUNT}); keys that could
 * pollute prototypes are refused ({@link rejectUnsafeKeys}).
 *
 * @param text the YAML text.
 * @param source the file (or `--opts`) it came from, for messages.
 * @returns the parsed value (`null` for an empty document).
 * @throws SolverError kind `config`: `a.yaml: invalid YAML: Map keys must be unique at line 2, column 1`.
 */
export function parseYamlText(text: string, source: string): unknown {
  const document = parseDocument(text, { version: '1.2', uniqueKeys: true, prettyErrors: true });
  const [first] = document.errors;
  if (first !== undefined) {
    throw new SolverError('config', `${source}: invalid YAML: ${firstLine(first.message)}`);
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error: unknown) {
    const reason: string = error instanceof Error ? error.message : String(error);
    throw new SolverError('config', `${source}: YAML aliases expand too far (${reason}; at most ${MAX_ALIAS_COUNT} alias expansions)`, {
      cause: error,
    });
  }
  rejectUnsafeKeys(value, source);
  return value;
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.replace(/:$/, '') ?? message;
}

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
    rejectUnsafeKeys(
      segments.reduceRight<unknown>((inner: unknown, segment: string) => Object.fromEntries([[segment, inner]]), null),
      OVERRIDES_SOURCE,
    );
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

/**
 * The source that set `path` (or the nearest enclosing key that was set whole), as ` (in a.yaml)`,
 * or `''` when the value is a default.
 */
export function originOf(path: string, origins: ReadonlyMap<string, string>): string {
  let current: string = path;
  for (;;) {
    const source: string | undefined = origins.get(current);
    if (source !== undefined) return ` (in ${source})`;
    const dot: number = current.lastIndexOf('.');
    if (dot < 0) return '';
    current = current.slice(0, dot);
  }
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
 * Reads a config file and, recursively, the files its `_BASE_` key names (relative to the file
 * that names them), as detectron2 does.
 *
 * @param path the config file.
 * @param reader how files are read and relative paths resolved.
 * @returns the layers in merge order: the deepest base first, `path` itself last.
 * @throws SolverError kind `config` for a `_BASE_` cycle (`_BASE_ cycle: a.yaml -> b.yaml -> a.yaml`),
 *   a non-string `_BASE_`, a document that is not a mapping, or invalid YAML; kind `io` when a file
 *   cannot be read.
 */
export async function readConfigLayers(path: string, reader: TextFileReader): Promise<ConfigLayer[]> {
  return readChain(path, reader, []);
}

async function readChain(path: string, reader: TextFileReader, chain: readonly string[]): Promise<ConfigLayer[]> {
  if (chain.includes(path)) {
    throw new SolverError('config', `_BASE_ cycle: ${[...chain, path].join(' -> ')}`);
  }
  const data: Readonly<Record<string, unknown>> = asDocument(parseYamlText(await reader.readText(path), path), path);
  const layer: ConfigLayer = { source: path, data };
  const base: unknown = data._BASE_;
  if (base === undefined || base === null) return [layer];
  if (typeof base !== 'string' || base === '') {
    throw new SolverError('config', `_BASE_: got ${formatValue(base)}, expected the path of a config file (in ${path})`);
  }
  const below: ConfigLayer[] = await readChain(reader.resolve(path, base), reader, [...chain, path]);
  return [...below, layer];
}

function asDocument(value: unknown, source: string): Readonly<Record<string, unknown>> {
  if (value === null || value === undefined) return {};
  if (!isMapping(value)) {
    throw new SolverError('config', `${source}: got ${formatValue(value)}, expected a mapping of config keys at the top level`);
  }
  return value;
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
  const foreign: string[] = [];
  const foreignSources: string[] = [];
  for (const layer of layers) {
    const split = splitForeignKeys(layer);
    owned.push({ source: layer.source, owned: split.owned });
    for (const key of split.foreign) if (!foreign.includes(key)) foreign.push(key);
    if (split.foreign.length > 0) foreignSources.push(layer.source);
  }
  const config: SolverConfig = validateConfig(mergeLayers(base as unknown as Record<string, unknown>, owned));
  if (foreign.length > 0) {
    logger.warn(`ignored keys that belong to other tools: ${foreign.join(', ')} (in ${foreignSources.join(', ')})`);
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
 * @param data a mapping of config keys, e.g. `{ SOLVER: { BASE_LR: 0.02, STEPS: '(100, 200)' } }`, or
 *   the text of a YAML document (`'SOLVER:\n  BASE_LR: 0.02'`), parsed as `loadConfig` parses files.
 * @param source how messages name `data`; default `config`.
 * @param overrides `KEY VALUE` pairs as detectron2's `--opts`; default none.
 * @param options `logger` for the ignored-sections warning.
 * @returns the validated, deeply frozen config.
 * @throws SolverError kind `config` naming key path, value, rule and source.
 * @example
 * ```ts
 * parseConfig({ SOLVER: { MAX_ITER: 2000, STEPS: '(1500,)' } }).SOLVER.STEPS; // [1500]
 * parseConfig('SOLVER:\n  MAX_ITER: 2000\n  STEPS: (1500,)\n').SOLVER.STEPS; // [1500]
 * ```
 */
export function parseConfig(
  input: unknown,
  source: string = 'config',
  overrides: readonly string[] = [],
  options: ConfigLoadOptions = {},
): SolverConfig {
  const data: unknown = typeof input === 'string' ? parseYamlText(input, source) : input;
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

/**
 * Loads a detectron2-style YAML config: the defaults, then the `_BASE_` chain (recursive, relative
 * to each file), then the file, then `overrides` as detectron2's `--opts`; validated and deeply frozen.
 *
 * Why: a detectron2 file (`SOLVER:` block, `STEPS: (60000, 80000)` tuples, `MODEL`/`DATASETS`
 * sections) loads unchanged; what is ours is checked strictly, what is not is ignored with one warning.
 *
 * This entry reads through `options.reader` (required: a page has no file system; see
 * `memoryTextFileReader`). In Node, the `loadConfig` of `tfjs-solver/node` reads from disk.
 *
 * @param path the YAML file.
 * @param overrides `KEY VALUE` pairs, values parsed as YAML; default none.
 * @param options `logger` (for the ignored-sections warning), `reader` (required here; the Node entry defaults it to the disk).
 * @returns the validated, deeply frozen config.
 * @throws SolverError kind `config` naming key path, value, rule and file; kind `io` for unreadable
 *   files or when no reader is given.
 * @example
 * ```ts
 * const reader = memoryTextFileReader({ 'base.yaml': 'SOLVER: {BASE_LR: 0.1}', 'run.yaml': '_BASE_: base.yaml' });
 * const config = await loadConfig('run.yaml', ['SOLVER.BASE_LR', '0.02'], { reader });
 * config.SOLVER.BASE_LR; // 0.02
 * ```
 */
export async function loadConfig(path: string, overrides: readonly string[] = [], options: ConfigLoadOptions = {}): Promise<SolverConfig> {
  const reader: TextFileReader | undefined = options.reader;
  if (reader === undefined) {
    throw new SolverError(
      'io',
      `loadConfig('${path}'): no reader given; in Node import loadConfig from 'tfjs-solver/node' (reads files from disk), ` +
        'in a page pass { reader: memoryTextFileReader({...}) }, or use parseConfig with an object or a YAML string',
    );
  }
  const layers = await readConfigLayers(path, reader);
  return resolveConfig(DEFAULT_CONFIG, [...layers, overridesToLayer(overrides)], options.logger);
}
