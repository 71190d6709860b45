import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { exportsOf, repositoryProgram } from './surface.js';

// Extracts every TSDoc `@example` in src/ and compiles it as a user's module would be compiled:
// with the public names of `tfjs-solver/node` (and the exports of the example's own module) in
// scope, and a few ambient variables standing for what a user's program already has.

/** One `@example` code block. */
export interface TsdocExample {
  /** `src/…/x.ts:LINE` of the block's first line. */
  readonly where: string;
  readonly file: string;
  readonly code: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The code of each `@example` of each doc comment in `src/`. */
export function tsdocExamples(root: string = 'src'): TsdocExample[] {
  const out: TsdocExample[] = [];
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
      const start = comment.index;
      const lines = comment[0].split('\n').map((line) => line.replace(/^\s*\/?\*+\/?\s?/, '').replace(/\s*\*\/$/, ''));
      const firstLine = text.slice(0, start).split('\n').length;
      for (let i = 0; i < lines.length; i += 1) {
        const line = lines[i] ?? '';
        if (!line.startsWith('@example')) continue;
        const inline = line.slice('@example'.length).trim();
        const body: string[] = inline === '' ? [] : [inline];
        let j = i + 1;
        while (j < lines.length && !(lines[j] ?? '').startsWith('@')) body.push(lines[j++] ?? '');
        const fence = /^\s*```(\w*)\s*$/m.exec(body.join('\n'));
        if (fence !== null && !['ts', 'typescript'].includes(fence[1] ?? '')) continue; // output or shell text, not code
        const code = body
          .join('\n')
          .replace(/^\s*```\w*\s*$/gm, '')
          .trim();
        if (code !== '') out.push({ where: `${file}:${firstLine + i}`, file, code });
      }
    }
  }
  return out;
}

/**
 * What a user's program already has where the examples use it: a model and data, a container, a
 * config, the parts a container would resolve (a script file, so these are globals an example's
 * own declarations shadow). Internal examples also get the tensors of one parameter group.
 */
export const AMBIENT = `
declare const model: import('@tensorflow/tfjs').Sequential;
declare const xs: import('@tensorflow/tfjs').Tensor;
declare const ys: import('@tensorflow/tfjs').Tensor;
declare const container: import('inversify').Container;
declare const config: import('tfjs-solver').SolverConfig;
declare const optimizer: import('tfjs-solver').SolverOptimizer;
declare const scheduler: import('tfjs-solver').LrScheduler;
declare const checkpointer: import('tfjs-solver').Checkpointer;
declare const parts: import('../../../src/hooks/Checkpointer.js').CheckpointParts;
declare const hooks: import('tfjs-solver').HookList;
declare const myHook: import('tfjs-solver').Hook;
declare const lrHook: import('tfjs-solver').LrSchedulerHook;
declare const timer: import('tfjs-solver').IterationTimer;
declare const writer: import('tfjs-solver').MetricsWriter;
declare const myDisplay: import('../../../src/hooks/ProgressHook.js').ProgressDisplay;
declare const MyClipper: new () => import('tfjs-solver').Clipper;
declare const data: import('tfjs-solver').DataSource<{ xs: import('@tensorflow/tfjs').Tensor; ys: import('@tensorflow/tfjs').Tensor }>;
declare const loss: () => import('@tensorflow/tfjs').Scalar;
declare const groups: import('../../../src/optim/groups.js').ParamGroup<import('@tensorflow/tfjs').Variable>[];
declare const w: import('@tensorflow/tfjs').Variable;
declare const g: import('@tensorflow/tfjs').Tensor;
declare const b: import('@tensorflow/tfjs').Variable;
declare const m: import('@tensorflow/tfjs').Variable;
declare const v: import('@tensorflow/tfjs').Variable;
declare const step: import('@tensorflow/tfjs').Variable;
declare const solver: import('tfjs-solver').Solver;
declare const ema: import('tfjs-solver').WeightEma;
declare const heldOut: { xs: import('@tensorflow/tfjs').Tensor; ys: import('@tensorflow/tfjs').Tensor };
declare const evaluate: () => Promise<import('../../../src/hooks/evaluation.js').EvalResults>;
declare const group: import('../../../src/optim/rule.js').SgdGroupTensors;
declare const hyper: import('../../../src/optim/rule.js').SgdHyperparams;
declare const control: import('../../../src/optim/rule.js').StepControl;
declare module '*?url' {
  const url: string;
  export default url;
}
`;

const DECLARES = (name: string): RegExp =>
  new RegExp(`\\b(?:const|let|var|class|function|interface|type)\\s+${name}\\b|import[^;]*\\b${name}\\b`);

/** The module text compiled for one example. */
export function moduleFor(example: TsdocExample, publicNames: readonly string[], ownNames: readonly string[], fromDir: string): string {
  // Relative imports in an example are written from its source file; re-aim them from `fromDir`.
  const imports = example.code
    .split('\n')
    .filter((line) => line.startsWith('import '))
    .map((line) =>
      line.replace(/from '(\.{1,2}\/[^']+)'/, (_all, path: string) => {
        const target = relative(fromDir, join(dirname(example.file), path));
        return `from '${target.startsWith('.') ? target : `./${target}`}'`;
      }),
    )
    .join('\n');
  const body = example.code
    .split('\n')
    .filter((line) => !line.startsWith('import '))
    .join('\n');
  const free = (name: string): boolean => new RegExp(`\\b${name}\\b`).test(example.code) && !DECLARES(name).test(example.code);
  const pub = publicNames.filter(free);
  const own = ownNames.filter((name) => free(name) && !pub.includes(name));
  let ownPath = relative(fromDir, example.file).replace(/\.ts$/, '.js');
  if (!ownPath.startsWith('.')) ownPath = `./${ownPath}`;
  return [
    imports,
    free('tf') ? "import * as tf from '@tensorflow/tfjs';" : '',
    free('Container') ? "import { Container } from 'inversify';" : '',
    pub.length > 0 ? `import { ${pub.join(', ')} } from 'tfjs-solver/node';` : '',
    own.length > 0 ? `import { ${own.join(', ')} } from '${ownPath}';` : '',
    'export {};',
    body,
  ].join('\n');
}

/** Statements that drop a promise (a call of an async function without `await`): its error would go unseen. */
function floatingPromises(file: ts.SourceFile, checker: ts.TypeChecker): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isExpressionStatement(node) && ts.isCallExpression(node.expression)) {
      const type = checker.getTypeAtLocation(node.expression);
      if (type.getProperty('then') !== undefined) found.push(`\`${node.expression.getText(file)}\` is a promise nobody awaits`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Compiles every example; returns `where: message` for each error. */
export function compileExamples(examples: readonly TsdocExample[]): Map<string, string[]> {
  const base = repositoryProgram(sourceFiles('src'));
  const options = base.getCompilerOptions();
  const checker = base.getTypeChecker();
  const publicNames = exportsOf('node').map((e) => e.name);
  const dir = join(process.cwd(), 'test', 'api', '.examples');
  const virtual = new Map<string, string>();
  const whereOf = new Map<string, string>();
  virtual.set(join(dir, 'ambient.d.ts'), AMBIENT);
  examples.forEach((example, index) => {
    const source = base.getSourceFile(join(process.cwd(), example.file));
    const symbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    const own = symbol === undefined ? [] : checker.getExportsOfModule(symbol).map((s) => s.name);
    const path = join(dir, `example${index}.ts`);
    virtual.set(path, moduleFor(example, publicNames, own, dirname(path)));
    whereOf.set(path, example.where);
  });
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, onError) => {
    const text = virtual.get(name);
    return text === undefined ? getSourceFile(name, language, onError) : ts.createSourceFile(name, text, language);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual.has(name) || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => virtual.get(name) ?? readFile(name);
  const program = ts.createProgram({ rootNames: [...virtual.keys()], options: { ...options, noEmit: true }, host, oldProgram: base });
  const errors = new Map<string, string[]>();
  for (const [path, where] of whereOf) {
    const file = program.getSourceFile(path);
    const diagnostics = file === undefined ? [] : [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    const messages = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
    if (file !== undefined) messages.push(...floatingPromises(file, program.getTypeChecker()));
    if (messages.length > 0) errors.set(where, messages);
  }
  return errors;
}

/** The names of the ambient declarations (an example using one needs a program around it to run). */
export const AMBIENT_NAMES: readonly string[] = [...AMBIENT.matchAll(/declare (?:const|class) (\w+)/g)].map((m) => m[1] ?? '');

/**
 * True when an example can run on its own: it uses none of the ambient stand-ins and no file on
 * disk, and is not part of the command line (whose examples drive a whole process).
 */
export function isRunnable(example: TsdocExample): boolean {
  if (example.file.startsWith(join('src', 'cli'))) return false;
  if (/\bfrom '@tensorflow\/tfjs-backend-wasm\/dist\//.test(example.code)) return false; // a bundler's ?url import
  if (/\bloadConfig\(/.test(example.code) && !example.code.includes('memoryTextFileReader')) return false; // a file on disk
  if (/\b(selectBackend|tf\.setBackend)\(/.test(example.code)) return false; // switches the process's backend
  return !AMBIENT_NAMES.some((name) => new RegExp(`\\b${name}\\b`).test(example.code) && !DECLARES(name).test(example.code));
}

/** Writes each example as a module under `dir` (ready for a TypeScript runner); returns the paths. */
export function exampleModules(examples: readonly TsdocExample[], dir: string): Map<string, string> {
  const base = repositoryProgram(sourceFiles('src'));
  const checker = base.getTypeChecker();
  const publicNames = exportsOf('node').map((e) => e.name);
  const out = new Map<string, string>();
  examples.forEach((example, index) => {
    const source = base.getSourceFile(join(process.cwd(), example.file));
    const symbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    const own = symbol === undefined ? [] : checker.getExportsOfModule(symbol).map((s) => s.name);
    out.set(join(dir, `example${index}.ts`), moduleFor(example, publicNames, own, dir));
  });
  return out;
}
