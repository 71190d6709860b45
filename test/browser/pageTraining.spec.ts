import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, serve } from './harness.js';

/**
 * The training page of examples/browser in headless Chromium (Debian's, never downloaded): built
 * by its own build script, served from localhost, driven through its buttons. On cpu and webgl it
 * trains the MNIST MLP, stops (the stop button checkpoints first), reloads and resumes from
 * IndexedDB. Skipped, with a message, only when the browser is not installed.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const haveBrowser = fs.existsSync(CHROMIUM);
if (!haveBrowser) {
  console.warn(`SKIPPED the training page test: ${CHROMIUM} is not installed (apt-get install -y chromium, or set CHROMIUM)`);
}
const suite = haveBrowser ? describe : describe.skip;

/** window.trainingPage (see examples/browser/main.ts). */
interface PageState {
  ready: boolean;
  backend: string;
  maxIter: number;
  startIter: number;
  iteration: number;
  running: boolean;
  stoppedAt: number | null;
  losses: [number, number][];
  accuracy: [number, number][];
  lrs: { name: string; points: [number, number][] }[];
  error: string | null;
}

async function pageState(page: Page): Promise<PageState> {
  return page.evaluate(() => (globalThis as unknown as { trainingPage: PageState }).trainingPage);
}

/** The keys of the files IndexedDB holds, read with the raw IndexedDB API (not the library's store). */
async function storedFiles(page: Page, databaseName: string): Promise<string[]> {
  return page.evaluate(
    (name) =>
      new Promise<string[]>((resolve, reject) => {
        const idb = (globalThis as unknown as { indexedDB: IdbFactory }).indexedDB;
        const open = idb.open(name);
        open.onerror = (): void => {
          reject(new Error(`cannot open ${name}`));
        };
        open.onsuccess = (): void => {
          const db = open.result;
          const keys = db.transaction('files', 'readonly').objectStore('files').getAllKeys();
          keys.onsuccess = (): void => {
            db.close();
            resolve(keys.result.map(String));
          };
          keys.onerror = (): void => {
            reject(new Error('getAllKeys failed'));
          };
        };
      }),
    databaseName,
  );
}

/** The few IndexedDB types the test reads with (the project compiles without the DOM library). */
interface IdbRequest<T> {
  readonly result: T;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbFactory {
  open(name: string): IdbRequest<{
    transaction(store: string, mode: 'readonly'): { objectStore(name: string): { getAllKeys(): IdbRequest<unknown[]> } };
    close(): void;
  }>;
}

function checkpointKey(iteration: number): string {
  return `mnist_mlp/model_${String(iteration).padStart(7, '0')}.ckpt`;
}

/**
 * detectron2's WarmupCosineLR with linear warmup, from its definition: cosine(x) = ½(1 + cos πx) of
 * x = i / MAX_ITER; during the first WARMUP iterations a line from WARMUP_FACTOR · cosine(0) to
 * cosine(WARMUP / MAX_ITER); times BASE_LR (0.1).
 */
function expectedLr(i: number, maxIter: number, warmupIters: number): number {
  const cosine = (x: number): number => 0.5 * (1 + Math.cos(Math.PI * x));
  if (i >= warmupIters) return 0.1 * cosine(i / maxIter);
  const start = 0.001 * cosine(0);
  const end = cosine(warmupIters / maxIter);
  return 0.1 * (start + ((end - start) * i) / warmupIters);
}

const MAX_ITER = 200;
/** The first run's loss points per backend, to compare the backends. */
const firstLosses = new Map<string, [number, number][]>();
const WARMUP = 10;

suite('the training page (examples/browser) in headless Chromium', () => {
  let dir: string;
  let server: http.Server;
  let browser: Browser;
  let base: string;
  const log: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-solver-training-page-'));
    execFileSync(process.execPath, [path.join(root, 'examples', 'browser', 'build.mjs'), dir], { stdio: 'pipe' });
    server = await serve(dir);
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser.close();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('should have built the bundle, the digits file and the recipe', () => {
    const data = fs.readFileSync(path.join(dir, 'mnist-subset.bin'));
    expect(data.subarray(0, 4).toString('latin1')).toBe('MNSB');
    const train = data.readUInt32LE(4);
    const heldOut = data.readUInt32LE(8);
    expect([train, heldOut]).toEqual([2000, 500]);
    expect(data.length).toBe(12 + (train + heldOut) * 785);
    const labels = data.subarray(12 + (train + heldOut) * 784);
    expect(new Set(labels).size).toBe(10);
    expect(fs.readFileSync(path.join(dir, 'mnist_mlp.yaml'), 'utf8')).toBe(
      fs.readFileSync(path.join(root, 'configs', 'mnist_mlp.yaml'), 'utf8'),
    );
    const bundle = fs.readFileSync(path.join(dir, 'main.js'), 'utf8');
    expect(bundle).not.toMatch(/from ["']node:/);
  });

  describe.each(['cpu', 'webgl'])('on %s', (backend) => {
    const db = `training-page-test-${backend}`;
    const url = `?backend=${backend}&db=${db}&iters=${MAX_ITER}&warmup=${WARMUP}&period=10&log=5&eval=10`;
    let page: Page;

    beforeAll(async () => {
      const context = await browser.newContext();
      page = await context.newPage();
      page.on('console', (m) => log.push(`${backend} ${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => log.push(`${backend} pageerror: ${e.message}`));
    });

    async function open(load: () => Promise<unknown>): Promise<PageState> {
      await load();
      await page.waitForFunction(() => {
        const s = (globalThis as unknown as { trainingPage?: PageState }).trainingPage;
        return s !== undefined && (s.ready || s.error !== null);
      });
      const s = await pageState(page);
      if (s.error !== null) throw new Error(`${s.error}\n${log.join('\n')}`);
      return s;
    }

    /** Presses Train, waits for `until` completed steps, presses Stop and waits for the run to end. */
    async function trainThenStop(until: number): Promise<PageState> {
      await page.click('#start');
      await page.waitForFunction((n) => (globalThis as unknown as { trainingPage: PageState }).trainingPage.iteration >= n, until, {
        timeout: 60_000,
        polling: 50,
      });
      await page.click('#stop');
      await page.waitForFunction(() => !(globalThis as unknown as { trainingPage: PageState }).trainingPage.running, undefined, {
        polling: 50,
      });
      const s = await pageState(page);
      if (s.error !== null) throw new Error(`${s.error}\n${log.join('\n')}`);
      return s;
    }

    it('should train, lower the loss, checkpoint, stop with a checkpoint, and resume after a reload', async () => {
      const fresh = await open(() => page.goto(base + url));
      expect(fresh.backend).toBe(backend);
      expect(fresh.startIter).toBe(0);
      expect(fresh.maxIter).toBe(MAX_ITER);

      const first = await trainThenStop(20);
      const stoppedAt = first.stoppedAt!;
      expect(stoppedAt).toBeGreaterThanOrEqual(20);
      expect(first.iteration).toBe(stoppedAt);
      // Loss: a point every 5 steps, the mean over them; it goes down from the first to the last.
      expect(first.losses.length).toBeGreaterThanOrEqual(4);
      expect(first.losses[0]![0]).toBe(5);
      expect(first.losses[0]![1]).toBeGreaterThan(1.5); // near ln 10 at the start
      expect(first.losses.at(-1)![1]).toBeLessThan(first.losses[0]![1] * 0.8);
      // Held-out accuracy every 10 steps, a fraction of 500 digits.
      expect(first.accuracy.map(([i]) => i).slice(0, 2)).toEqual([10, 20]);
      for (const [, a] of first.accuracy) {
        expect(Math.abs(a * 500 - Math.round(a * 500))).toBeLessThan(1e-9); // a count of 500 digits
        expect(a).toBeLessThanOrEqual(1);
      }
      expect(first.accuracy[1]![1]).toBeGreaterThan(Math.max(0.2, first.accuracy[0]![1])); // learning: above chance (0.1) and rising
      // The same run on every backend: the loss points match the first backend's (cpu) within float32 noise.
      const reference = firstLosses.get('cpu');
      if (backend !== 'cpu' && reference !== undefined) {
        first.losses.forEach(([i, loss]) => {
          const want = reference.find(([j]) => j === i);
          if (want !== undefined) expect(Math.abs(loss - want[1])).toBeLessThanOrEqual(1e-4 * want[1]);
        });
      } else {
        firstLosses.set(backend, first.losses);
      }
      // LR of every group at every step: the warmup+cosine formula times the group's factor (1, or 2 for biases).
      expect(first.lrs.length).toBeGreaterThanOrEqual(2);
      const factors = new Set<number>();
      for (const group of first.lrs) {
        expect(group.points.map(([i]) => i)).toEqual(Array.from({ length: stoppedAt }, (_, i) => i));
        const factor = group.points[3]![1] / expectedLr(3, MAX_ITER, WARMUP);
        factors.add(Number(factor.toFixed(6)));
        for (const [i, lr] of group.points) expect(Math.abs(lr - factor * expectedLr(i, MAX_ITER, WARMUP))).toBeLessThanOrEqual(1e-6 * lr);
      }
      expect([...factors].sort()).toEqual([1, 2]);
      // Checkpoints in IndexedDB: the newest periodic one (every 10 steps) and the stop button's, at the iteration it stopped.
      const files = await storedFiles(page, db);
      expect(files).toContain(checkpointKey(10 * Math.floor((stoppedAt - 1) / 10)));
      expect(files).toContain(checkpointKey(stoppedAt));

      // Reload: the page resumes at the stop checkpoint's iteration and continues from there.
      const resumed = await open(() => page.reload());
      expect(resumed.startIter).toBe(stoppedAt);
      expect(resumed.iteration).toBe(stoppedAt);
      const second = await trainThenStop(stoppedAt + 3);
      const stoppedAgain = second.stoppedAt!;
      expect(stoppedAgain).toBeGreaterThanOrEqual(stoppedAt + 3);
      expect(second.lrs[0]!.points[0]![0]).toBe(stoppedAt);
      expect(second.losses[0]![1]).toBeLessThan(first.losses[0]![1] * 0.8); // continued, not restarted
      expect(await storedFiles(page, db)).toContain(checkpointKey(stoppedAgain));
    }, 120_000);
  });
});
