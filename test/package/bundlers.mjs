// Bundles one page for the browser with a bundler's defaults, as a user's project would, and prints
// what the bundler reported as JSON: { errors: string[], warnings: string[], files: string[] }.
//   node test/package/bundlers.mjs vite <dir>      (<dir>/index.html loads ./page.js; `vite build`)
//   node test/package/bundlers.mjs webpack <dir>   (<dir>/page.js; mode production, target web)
// The bundlers come from this repository's node_modules; the page's imports resolve from <dir>
// upwards, i.e. from the consumer project's node_modules. Run in a child process so that jest's
// module system never loads a bundler.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const [bundler, dir] = process.argv.slice(2);
if (dir === undefined || !['vite', 'webpack'].includes(bundler)) {
  console.error('usage: node test/package/bundlers.mjs vite|webpack <dir>');
  process.exit(2);
}
const outDir = join(dir, 'dist');

/** Every file under `path`, relative to it. */
function filesUnder(path) {
  return readdirSync(path).flatMap((name) =>
    statSync(join(path, name)).isDirectory() ? filesUnder(join(path, name)).map((f) => join(name, f)) : [name],
  );
}

async function vite() {
  const { build, createLogger } = await import('vite');
  const errors = [];
  const warnings = [];
  const logger = createLogger('warn');
  logger.warn = (message) => warnings.push(message.trim());
  logger.warnOnce = logger.warn;
  logger.error = (message) => errors.push(message.trim());
  try {
    await build({ root: dir, configFile: false, customLogger: logger, logLevel: 'warn' });
  } catch (error) {
    errors.push(String(error?.message ?? error));
  }
  return { errors, warnings };
}

async function webpack() {
  const { default: run } = await import('webpack');
  const config = { mode: 'production', target: 'web', context: dir, entry: './page.js', output: { path: outDir } };
  const stats = await new Promise((resolve, reject) => run(config, (error, result) => (error ? reject(error) : resolve(result))));
  const json = stats.toJson({ all: false, errors: true, warnings: true });
  // A warning about a module names it first (moduleName); size warnings name no module.
  const text = (entry) => (entry.moduleName === undefined ? entry.message : `module ${entry.moduleName}: ${entry.message}`);
  return { errors: json.errors.map(text), warnings: json.warnings.map(text) };
}

const report = bundler === 'vite' ? await vite() : await webpack();
let files = [];
try {
  files = filesUnder(outDir).map((f) => relative(dir, join(outDir, f)));
} catch {
  // no output: the errors say why
}
process.stdout.write(JSON.stringify({ ...report, files }));
