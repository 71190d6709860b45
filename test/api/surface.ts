import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

// Reads the package's public surface with the TypeScript compiler: the names each entry exports,
// and the doc comment of the declaration behind each name.

/** The package's entries: the browser-safe core and the Node entry. */
export const ENTRIES = { index: 'src/index.ts', node: 'src/node.ts' } as const;

/** One exported name of an entry. */
export interface ExportedName {
  readonly name: string;
  /** `value` (function, class, const) or `type` (interface, type alias). */
  readonly kind: 'value' | 'type';
  /** The file declaring it, relative to the repository. */
  readonly file: string;
  /** The JSDoc text of its declaration (empty when it has none), tags included. */
  readonly doc: string;
}

let program: ts.Program | undefined;

/** One program over the repository's tsconfig, rooted at the entries and `extraRoots` (created once). */
export function repositoryProgram(extraRoots: readonly string[] = []): ts.Program {
  if (program !== undefined && extraRoots.every((root) => program?.getSourceFile(join(process.cwd(), root)) !== undefined)) return program;
  const configPath = join(process.cwd(), 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (parsed === undefined) throw new Error('cannot read tsconfig.json');
  const roots = [...Object.values(ENTRIES), ...extraRoots].map((file) => join(process.cwd(), file));
  program = ts.createProgram({ rootNames: roots, options: parsed.options, ...(program === undefined ? {} : { oldProgram: program }) });
  return program;
}

function docOf(declaration: ts.Declaration): string {
  const text = declaration.getSourceFile().getFullText();
  const ranges = ts.getLeadingCommentRanges(text, declaration.getFullStart()) ?? [];
  const host = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
  const hostRanges = host === declaration ? ranges : (ts.getLeadingCommentRanges(text, host.getFullStart()) ?? []);
  const docs = [...ranges, ...hostRanges].map((range) => text.slice(range.pos, range.end)).filter((c) => c.startsWith('/**'));
  return docs.at(-1) ?? '';
}

/** The names `entry` exports, sorted, with kind, declaring file and doc comment. */
export function exportsOf(entry: keyof typeof ENTRIES): ExportedName[] {
  const prog = repositoryProgram();
  const checker = prog.getTypeChecker();
  const source = prog.getSourceFile(join(process.cwd(), ENTRIES[entry]));
  if (source === undefined) throw new Error(`no ${ENTRIES[entry]}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`${ENTRIES[entry]} is not a module`);
  return checker
    .getExportsOfModule(moduleSymbol)
    .map((symbol): ExportedName => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const declaration = target.declarations?.[0];
      if (declaration === undefined) throw new Error(`${symbol.name}: no declaration`);
      const isValue = (target.flags & ts.SymbolFlags.Value) !== 0;
      return {
        name: symbol.name,
        kind: isValue ? 'value' : 'type',
        file: declaration.getSourceFile().fileName.slice(process.cwd().length + 1),
        doc: docOf(declaration),
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The checked-in API report of `entry`: one `name (kind)` line per export. */
export function reportPath(entry: keyof typeof ENTRIES): string {
  return join(process.cwd(), 'api', `${entry}.api.txt`);
}

/** The report text for a list of exports. */
export function reportOf(names: readonly ExportedName[]): string {
  return names.map((e) => `${e.name} (${e.kind})`).join('\n') + '\n';
}

/** The checked-in report, or '' when missing. */
export function checkedInReport(entry: keyof typeof ENTRIES): string {
  try {
    return readFileSync(reportPath(entry), 'utf8');
  } catch {
    return '';
  }
}
