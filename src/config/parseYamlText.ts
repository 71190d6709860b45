import { parseDocument } from 'yaml';
import { SolverError } from '../errors/SolverError.js';
import { rejectUnsafeKeys } from './rejectUnsafeKeys.js';

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
    throw new SolverError(
      'config',
      `${source}: YAML aliases expand too far (${reason}; at most ${MAX_ALIAS_COUNT} alias expansions)`,
      { cause: error },
    );
  }
  rejectUnsafeKeys(value, source);
  return value;
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.replace(/:$/, '') ?? message;
}
