import { type Document, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { formatValue, SolverError } from '../errors.js';
import type { TextFileReader } from '../io/interfaces.js';
import {
  type ConfigLayer,
  type ConfigLoadOptions,
  isMapping,
  MAX_CONFIG_DEPTH,
  overridesToLayer,
  rejectUnsafeKeys,
  resolveConfig,
} from './load.js';
import { DEFAULT_CONFIG, type SolverConfig } from './schema.js';

// YAML config text and files: the only module that parses YAML, so that building a config from
// data in memory (`parseConfig`) never loads a YAML parser.

/** Most alias expansions a document may contain; a "billion laughs" document needs far more. */
export const MAX_ALIAS_COUNT: number = 100;

/** Largest config text (and `_BASE_` file) read, in UTF-16 code units of the text: 1 MiB. */
export const MAX_CONFIG_BYTES: number = 1024 * 1024;

/** Longest `_BASE_` chain followed (detectron2's own files use 2 or 3 levels). */
export const MAX_BASE_DEPTH: number = 16;

function firstLine(message: string): string {
  return message.split('\n')[0]?.replace(/:$/, '') ?? message;
}

/** ` at line L, column C` of a 0-based offset into `text`. */
function lineAndColumn(text: string, offset: number): string {
  const before: string[] = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before[before.length - 1] ?? '').length + 1}`;
}

/**
 * The offset where `[`/`{` brackets nest deeper than {@link MAX_CONFIG_DEPTH}, or -1. Quoted
 * text and comments are skipped. One pass, no recursion.
 *
 * Why before parsing: the YAML library recurses once per level, so a document of 100,000 `[`
 * would spend seconds overflowing the stack before reporting it.
 */
function tooDeepAt(text: string): number {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i += 1) {
    const c: string = text[i] ?? '';
    if (quote !== '') {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"') i += 1;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      const end: number = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === '[' || c === '{') {
      depth += 1;
      if (depth > MAX_CONFIG_DEPTH) return i;
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth -= 1;
    }
  }
  return -1;
}

/**
 * Refuses a mapping that holds a key twice, in time linear in the document (the YAML library's
 * own check compares every pair of keys: 100,000 keys took minutes).
 */
function checkUniqueKeys(document: Document.Parsed, text: string, source: string): void {
  const stack: unknown[] = [document.contents];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    } else if (isMap(node)) {
      const seen: Set<unknown> = new Set();
      for (const pair of node.items) {
        const key: unknown = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          const where: string = lineAndColumn(text, isScalar(pair.key) && pair.key.range ? pair.key.range[0] : 0);
          throw new SolverError(
            'config',
            `${source}: invalid YAML: Map keys must be unique at ${where} (${formatValue(key)} appears twice)`,
          );
        }
        seen.add(key);
        stack.push(pair.value);
      }
    }
  }
}

/**
 * Parses YAML 1.2 text (one document, unique keys) into plain data.
 *
 * Why these options: YAML 1.2 reads `1e-4` as a number and `yes` as a string; duplicate keys are
 * almost always a mistake; alias bombs are refused ({@link MAX_ALIAS_COUNT}); texts over
 * {@link MAX_CONFIG_BYTES} are refused; YAML 1.1 tags (`!!set`, `!!binary`, `!!timestamp`) stay
 * strings, and what is not plain data (a `!!merge` symbol, a list that contains itself, a key
 * `__proto__`) is refused by {@link rejectUnsafeKeys}.
 *
 * @param text the YAML text.
 * @param source the file it came from, for messages.
 * @returns the parsed value (`null` for an empty document).
 * @throws SolverError kind `config`: `a.yaml: invalid YAML: ...`, never another error.
 */
export function parseYamlText(text: string, source: string): unknown {
  if (text.length > MAX_CONFIG_BYTES) {
    throw new SolverError('config', `${source}: got ${text.length} characters, expected a config of at most ${MAX_CONFIG_BYTES}`);
  }
  const deep: number = tooDeepAt(text);
  if (deep >= 0) {
    throw new SolverError(
      'config',
      `${source}: invalid YAML: nested more than ${MAX_CONFIG_DEPTH} levels deep at ${lineAndColumn(text, deep)}`,
    );
  }
  let value: unknown;
  try {
    // NOTE: no prettyErrors: on a long line it builds a context that can exhaust memory.
    const document = parseDocument(text, { version: '1.2', uniqueKeys: false, prettyErrors: false, resolveKnownTags: false });
    const [first] = document.errors;
    if (first !== undefined) {
      throw new SolverError('config', `${source}: invalid YAML: ${firstLine(first.message)} at ${lineAndColumn(text, first.pos[0])}`);
    }
    checkUniqueKeys(document, text, source);
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error: unknown) {
      if (error instanceof RangeError) throw error;
      const reason: string = error instanceof Error ? error.message : String(error);
      throw new SolverError('config', `${source}: YAML aliases expand too far (${reason}; at most ${MAX_ALIAS_COUNT} alias expansions)`, {
        cause: error,
      });
    }
  } catch (error: unknown) {
    if (SolverError.is(error)) throw error;
    // The YAML library recurses per nesting level: a document nested thousands deep overflows.
    const reason: string = error instanceof RangeError ? `nested more than ${MAX_CONFIG_DEPTH} levels deep` : firstLine(String(error));
    throw new SolverError('config', `${source}: invalid YAML: ${reason}`, { cause: error });
  }
  rejectUnsafeKeys(value, source);
  return value;
}

function asDocument(value: unknown, source: string): Readonly<Record<string, unknown>> {
  if (value === null || value === undefined) return {};
  if (!isMapping(value)) {
    throw new SolverError('config', `${source}: got ${formatValue(value)}, expected a mapping of config keys at the top level`);
  }
  return value;
}

async function readBounded(reader: TextFileReader, path: string, namedBy: string | undefined): Promise<string> {
  try {
    const text: string = await reader.readText(path, MAX_CONFIG_BYTES);
    if (text.length > MAX_CONFIG_BYTES) {
      throw new SolverError('io', `${path}: got ${text.length} characters, expected a config of at most ${MAX_CONFIG_BYTES}`);
    }
    return text;
  } catch (error: unknown) {
    if (namedBy === undefined) throw error;
    const reason: string = error instanceof Error ? error.message : String(error);
    const kind = SolverError.is(error) ? error.kind : 'io';
    throw new SolverError(kind, `_BASE_: cannot read ${formatValue(path)} (named in ${namedBy}): ${reason}`, { cause: error });
  }
}

/**
 * Reads a config file and, recursively, the files its `_BASE_` key names (relative to the file
 * that names them), as detectron2 does. Only regular files of at most {@link MAX_CONFIG_BYTES}
 * are read (a directory, a pipe or a device is refused without reading it), at most
 * {@link MAX_BASE_DEPTH} levels.
 *
 * @param path the config file.
 * @param reader how files are read and relative paths resolved.
 * @returns the layers in merge order: the deepest base first, `path` itself last.
 * @throws SolverError kind `config` for a `_BASE_` cycle (`_BASE_ cycle: a.yaml -> b.yaml -> a.yaml`),
 *   a non-string `_BASE_`, a document that is not a mapping, or invalid YAML; kind `io` when a file
 *   cannot be read (for a base, the message names `_BASE_` and the file that names it).
 */
export async function readConfigLayers(path: string, reader: TextFileReader): Promise<ConfigLayer[]> {
  const layers: ConfigLayer[] = [];
  const chain: string[] = [];
  let current: string = path;
  let namedBy: string | undefined;
  for (;;) {
    if (chain.includes(current)) throw new SolverError('config', `_BASE_ cycle: ${[...chain, current].join(' -> ')}`);
    if (chain.length >= MAX_BASE_DEPTH) {
      throw new SolverError('config', `_BASE_: more than ${MAX_BASE_DEPTH} files deep (in ${namedBy ?? path}), expected a shorter chain`);
    }
    const data = asDocument(parseYamlText(await readBounded(reader, current, namedBy), current), current);
    layers.unshift({ source: current, data });
    chain.push(current);
    const base: unknown = data._BASE_;
    if (base === undefined || base === null) return layers;
    if (typeof base !== 'string' || base === '') {
      throw new SolverError('config', `_BASE_: got ${formatValue(base)}, expected the path of a config file (in ${current})`);
    }
    namedBy = current;
    current = reader.resolve(current, base);
  }
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
 * @param overrides `KEY VALUE` pairs (values as in a YAML file: `0.02`, `true`, `[1, 2]`, `(1, 2)`); default none.
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
        'in a page pass { reader: memoryTextFileReader({...}) }, or use parseConfig with an object or loadConfigText with a YAML string',
    );
  }
  const layers = await readConfigLayers(path, reader);
  return resolveConfig(DEFAULT_CONFIG, [...layers, overridesToLayer(overrides)], options.logger);
}

/**
 * Builds a config from YAML text already in memory (a browser upload, a test), with the same rules
 * as {@link loadConfig}; a `_BASE_` key is refused (there is no file to resolve it against).
 *
 * @param text the YAML text, at most {@link MAX_CONFIG_BYTES} long.
 * @param source how messages name the text; default `config`.
 * @param overrides `KEY VALUE` pairs as detectron2's `--opts`; default none.
 * @param options `logger` for the ignored-sections warning.
 * @returns the validated, deeply frozen config.
 * @throws SolverError kind `config` naming key path, value, rule and source.
 * @example
 * ```ts
 * loadConfigText('SOLVER:\n  STEPS: (1500,)\n  MAX_ITER: 2000\n').SOLVER.STEPS; // [1500]
 * ```
 */
export function loadConfigText(
  text: string,
  source: string = 'config',
  overrides: readonly string[] = [],
  options: ConfigLoadOptions = {},
): SolverConfig {
  const data = asDocument(parseYamlText(text, source), source);
  if (data._BASE_ !== undefined) {
    throw new SolverError('config', `_BASE_: not supported for config text (in ${source}); use loadConfig with a reader`);
  }
  return resolveConfig(DEFAULT_CONFIG, [{ source, data }, overridesToLayer(overrides)], options.logger);
}
