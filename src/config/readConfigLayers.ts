import { SolverError } from '../errors/SolverError.js';
import type { TextFileReader } from '../io/TextFileReader.js';
import type { ConfigLayer } from './ConfigLayer.js';
import { formatValue } from './formatValue.js';
import { isMapping } from './isMapping.js';
import { parseYamlText } from './parseYamlText.js';

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
