import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/node.js';
import type { Logger } from '../../src/io/interfaces.js';

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m: string) => lines.push(m), warn: (m: string) => lines.push(`warn ${m}`) };
}

/** Node's error for a package that is not installed, as `import()` rejects with it. */
function missing(specifier: string): Promise<never> {
  return Promise.reject(
    Object.assign(new Error(`Cannot find package '${specifier}' imported from x.js`), { code: 'ERR_MODULE_NOT_FOUND' }),
  );
}

const gpu = 'tensorflow GPU (@tensorflow/tfjs-node-gpu)';
const native = 'tensorflow CPU (@tensorflow/tfjs-node)';

describe(selectBackend, () => {
  describe("having 'cpu'", () => {
    it('should activate the pure-JS backend and log it', async () => {
      const logger = recordingLogger();
      const chosen = await selectBackend('cpu', { logger });
      expect(chosen).toEqual({ name: 'cpu', label: 'cpu (@tensorflow/tfjs, pure JavaScript)', skipped: [] });
      expect(tf.getBackend()).toBe('cpu');
      expect(logger.lines).toEqual(['backend: cpu (@tensorflow/tfjs, pure JavaScript)']);
    });
  });

  describe("having 'wasm'", () => {
    it('should activate wasm offline from the installed package and compute with it', async () => {
      // Offline: any network fetch fails and is recorded; the .wasm binary must come from node_modules.
      const fetched: string[] = [];
      const realFetch = globalThis.fetch;
      globalThis.fetch = (input: unknown): Promise<Response> => {
        fetched.push(String(input));
        return Promise.reject(new Error('offline'));
      };
      let chosen;
      try {
        chosen = await selectBackend('wasm');
      } finally {
        globalThis.fetch = realFetch;
      }
      expect(fetched).toEqual([]);
      expect(chosen.name).toBe('wasm');
      expect(tf.getBackend()).toBe('wasm');
      const before = tf.memory().numTensors;
      const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([10, 20])));
      expect(Array.from(await sum.data())).toEqual([11, 22]);
      sum.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  describe("having 'tensorflow' when neither native package is installed", () => {
    it('should fail with kind backend, saying what to install', async () => {
      await expect(selectBackend('tensorflow')).rejects.toMatchObject({
        kind: 'backend',
        message:
          `backend 'tensorflow' is not available: ${gpu}: @tensorflow/tfjs-node-gpu is not installed; ` +
          `${native}: @tensorflow/tfjs-node is not installed; install @tensorflow/tfjs-node@4.22 (CPU) or ` +
          '@tensorflow/tfjs-node-gpu@4.22 (needs CUDA 11.2 + cuDNN 8.1; both download libtensorflow at install time), ' +
          'or use --backend wasm or cpu',
      });
    });
  });

  describe("having 'auto' without the native packages", () => {
    it('should choose wasm and log why both native backends were skipped', async () => {
      const logger = recordingLogger();
      const chosen = await selectBackend('auto', { logger });
      expect(chosen.name).toBe('wasm');
      expect(logger.lines).toEqual(['backend: wasm (skipped tfjs-node-gpu: not installed; tfjs-node: not installed)']);
    });
  });

  describe("having 'auto' with a native package that is installed but broken", () => {
    it('should report the load failure as the reason, not "not installed"', async () => {
      const logger = recordingLogger();
      const importModule = (specifier: string): Promise<unknown> =>
        specifier === '@tensorflow/tfjs-node-gpu'
          ? Promise.reject(new Error('libcudart.so.11.0: cannot open shared object file\nstack...'))
          : import(specifier);
      const chosen = await selectBackend('auto', { logger, importModule });
      expect(chosen.skipped[0]).toBe(`${gpu}: failed to load: libcudart.so.11.0: cannot open shared object file`);
      expect(chosen.skipped[1]).toBe(`${native}: @tensorflow/tfjs-node is not installed`);
    });
  });

  describe("having 'wasm' when its package is not installed", () => {
    it('should fail with kind backend, giving the install line', async () => {
      await expect(selectBackend('wasm', { importModule: missing })).rejects.toMatchObject({
        kind: 'backend',
        message:
          "backend 'wasm' is not available: wasm (@tensorflow/tfjs-backend-wasm): @tensorflow/tfjs-backend-wasm is not installed; " +
          'npm i @tensorflow/tfjs-backend-wasm@4.22.0 (an optional peer of tfjs-solver), or use --backend cpu',
      });
    });
  });

  describe("having 'auto' when no optional backend package is installed", () => {
    it('should choose cpu and say in its one line that installing wasm makes it faster', async () => {
      const logger = recordingLogger();
      const chosen = await selectBackend('auto', { logger, importModule: missing });
      expect(chosen.name).toBe('cpu');
      expect(tf.getBackend()).toBe('cpu');
      expect(chosen.skipped).toEqual([
        `${gpu}: @tensorflow/tfjs-node-gpu is not installed`,
        `${native}: @tensorflow/tfjs-node is not installed`,
        'wasm (@tensorflow/tfjs-backend-wasm): @tensorflow/tfjs-backend-wasm is not installed',
      ]);
      expect(logger.lines).toEqual([
        'backend: cpu (skipped tfjs-node-gpu: not installed; tfjs-node: not installed; wasm: not installed); ' +
          'npm i @tensorflow/tfjs-backend-wasm@4.22.0 makes it faster',
      ]);
    });
  });

  describe("having 'auto' when wasm is installed but fails to load", () => {
    it('should fall back to cpu without the install line (installing would not help)', async () => {
      const logger = recordingLogger();
      const importModule = (specifier: string): Promise<unknown> =>
        specifier === '@tensorflow/tfjs-backend-wasm' ? Promise.reject(new Error('WebAssembly is not defined')) : missing(specifier);
      const chosen = await selectBackend('auto', { logger, importModule });
      expect(chosen.name).toBe('cpu');
      expect(logger.lines).toEqual([
        'backend: cpu (skipped tfjs-node-gpu: not installed; tfjs-node: not installed; wasm: failed to load: WebAssembly is not defined)',
      ]);
    });
  });

  describe("having 'wasm' with the wasm option", () => {
    it('should use the module passed instead of importing one by name', async () => {
      const tried: string[] = [];
      const importModule = (specifier: string): Promise<unknown> => {
        tried.push(specifier);
        return missing(specifier);
      };
      const chosen = await selectBackend('wasm', { importModule, wasm: () => import('@tensorflow/tfjs-backend-wasm') });
      expect(chosen.name).toBe('wasm');
      expect(tf.getBackend()).toBe('wasm');
      expect(tried).toEqual([]);
    });
  });

  describe("having 'wasm' installed but failing to load", () => {
    it('should give the load failure and no install hint', async () => {
      const importModule = (): Promise<unknown> => Promise.reject(new Error('WebAssembly is not defined'));
      await expect(selectBackend('wasm', { importModule })).rejects.toMatchObject({
        kind: 'backend',
        message: "backend 'wasm' is not available: wasm (@tensorflow/tfjs-backend-wasm): failed to load: WebAssembly is not defined",
      });
    });
  });
});
