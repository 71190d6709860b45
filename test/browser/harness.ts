import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * Builds the test page with esbuild, serves it on localhost and drives Debian's Chromium through
 * playwright-core. Installs and downloads nothing: the browser is /usr/bin/chromium (CHROMIUM
 * overrides it). WebGL 2 and WebGPU run on SwiftShader (no GPU needed); WebGPU needs a secure
 * context, which http://127.0.0.1 is.
 */

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
];

export interface TestPage {
  readonly page: Page;
  readonly url: string;
  /** Messages the page logged (console and page errors), for failure reports. */
  readonly log: string[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.yaml': 'text/yaml',
};

/** Bundles test/browser/page.ts (and the library source it imports) into `dir`. */
async function bundle(dir: string): Promise<void> {
  await build({
    entryPoints: [path.join(here, 'page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: path.join(dir, 'page.js'),
    logLevel: 'error',
    // tfjs-backend-wasm mentions Node modules behind runtime checks; the page never takes those paths.
    external: ['fs', 'path', 'worker_threads', 'perf_hooks', 'os', 'crypto', 'util'],
  });
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="page.js"></script>');
  const wasmDir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  fs.mkdirSync(path.join(dir, 'wasm'));
  for (const f of fs.readdirSync(wasmDir).filter((n) => n.endsWith('.wasm')))
    fs.copyFileSync(path.join(wasmDir, f), path.join(dir, 'wasm', f));
}

/** Serves the files of `dir` on 127.0.0.1 at a free port (index.html at `/`), nothing outside it. */
export function serve(dir: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const name = path.normalize(decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/')).replace(/^(\.\.[/\\])+/, '');
    const file = path.join(dir, name === '/' ? 'index.html' : name);
    if (!file.startsWith(dir) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      resolve(server);
    }),
  );
}

/** Builds, serves, launches Chromium with a fresh profile and opens the page (ready when `solverTest` exists). */
export async function openTestPage(): Promise<TestPage> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-solver-page-'));
  await bundle(dir);
  const server = await serve(dir);
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`;
  // playwright-core starts Chromium with a fresh temporary profile of its own and deletes it on close.
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  } catch (e) {
    server.close();
    throw e;
  }
  const context = await browser.newContext();
  const page = await context.newPage();
  const log: string[] = [];
  page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => 'solverTest' in globalThis);
  const opened = browser;
  return {
    page,
    url,
    log,
    close: async () => {
      await opened.close();
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
