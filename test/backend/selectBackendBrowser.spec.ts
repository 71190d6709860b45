import { afterAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { type BackendName, selectBackend, type WasmBackendModule } from '../../src/backend/selectBackend.js';
import type { Logger } from '../../src/io/interfaces.js';

// The browser-safe selectBackend (the `tfjs-solver` entry), run here in Node: the page-only
// backends fail with what to do, and the wasm backend is used only when the caller passes it (the
// entry never imports the optional package itself).

function recorder(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: { info: (m) => lines.push(m), warn: (m) => lines.push(m) }, lines };
}

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('selectBackend (browser-safe entry)', () => {
  describe("having 'webgpu' when @tensorflow/tfjs-backend-webgpu was not imported", () => {
    it('should fail with kind backend, saying to install and import it', async () => {
      await expect(selectBackend('webgpu')).rejects.toMatchObject({
        kind: 'backend',
        message:
          "backend 'webgpu' is not available: webgpu (@tensorflow/tfjs-backend-webgpu): not registered (add import '@tensorflow/tfjs-backend-webgpu' " +
          "to your code before selecting it); npm install @tensorflow/tfjs-backend-webgpu@4.22 and import '@tensorflow/tfjs-backend-webgpu' " +
          "before selecting it (needs a browser with WebGPU), or use 'webgl'",
      });
    });
  });

  describe("having 'webgl' outside a page", () => {
    it('should fail with kind backend, saying webgl needs a page and what to use instead', async () => {
      const error: unknown = await selectBackend('webgl').catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'backend' });
      expect((error as Error).message).toMatch(/^backend 'webgl' is not available: webgl \(@tensorflow\/tfjs\): /);
      expect((error as Error).message).toMatch(/; webgl needs a browser page or worker with WebGL \(not Node\); use 'wasm' or 'cpu'$/);
    });
  });

  describe("having 'tensorflow'", () => {
    it('should fail without trying to load a native package, pointing at the Node entry', async () => {
      const tried: string[] = [];
      const importModule = (specifier: string): Promise<unknown> => {
        tried.push(specifier);
        return Promise.resolve({});
      };
      await expect(selectBackend('tensorflow', { importModule })).rejects.toMatchObject({
        kind: 'backend',
        message:
          "backend 'tensorflow' is not available: not in this runtime; the tensorflow backend exists only in Node " +
          "(import selectBackend from 'tfjs-solver/node'); use backend 'webgl', 'wasm' or 'cpu'",
      });
      expect(tried).toEqual([]);
    });
  });

  describe("having 'auto' outside a page with the wasm option as an import function", () => {
    it('should skip webgpu and webgl, import wasm through the function, and compute with it', async () => {
      const { logger, lines } = recorder();
      let imports = 0;
      const wasm = (): Promise<typeof import('@tensorflow/tfjs-backend-wasm')> => {
        imports += 1;
        return import('@tensorflow/tfjs-backend-wasm');
      };
      const chosen = await selectBackend('auto', { logger, wasm });
      expect(imports).toBe(1);
      expect(chosen.name).toBe('wasm');
      expect(chosen.skipped.map((line) => line.split(':')[0])).toEqual([
        'webgpu (@tensorflow/tfjs-backend-webgpu)',
        'webgl (@tensorflow/tfjs)',
      ]);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^backend: wasm \(skipped webgpu: not installed; webgl: /);
      expect(tf.getBackend()).toBe('wasm');
      const before = tf.memory().numTensors;
      const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])));
      expect([...(await sum.data())]).toEqual([4, 6]);
      sum.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  describe("having 'wasm' with the wasm option as the module and wasmPaths", () => {
    it('should hand wasmPaths to the module before activating the backend', async () => {
      const real = await import('@tensorflow/tfjs-backend-wasm');
      const calls: unknown[] = [];
      const wasm = {
        setWasmPaths: (paths: unknown): void => {
          calls.push(paths);
        },
      };
      // The backend registered by the real import above starts from its own directory in Node.
      const chosen = await selectBackend('wasm', { wasm, wasmPaths: '/wasm/' });
      expect(calls).toEqual(['/wasm/']);
      expect(chosen.name).toBe('wasm');
      expect(typeof real.setWasmPaths).toBe('function');
    });
  });

  describe("having 'auto' outside a page without the wasm option", () => {
    it('should not try to import wasm, fall back to cpu and say how to get wasm in one line', async () => {
      await tf.setBackend('cpu');
      const { logger, lines } = recorder();
      const chosen = await selectBackend('auto', { logger });
      expect(chosen.name).toBe('cpu');
      expect(chosen.skipped[2]).toBe('wasm (@tensorflow/tfjs-backend-wasm): not passed (the wasm option of selectBackend)');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^backend: cpu \(skipped webgpu: not installed; webgl: .*; wasm: not passed\); npm i @tensorflow\/tfjs-backend-wasm@4\.22\.0 and the wasm option of selectBackend make it faster$/,
      );
    });
  });

  describe("having 'wasm' without the wasm option", () => {
    it('should fail with kind backend, saying to install the package and pass it', async () => {
      await expect(selectBackend('wasm', { wasmPaths: '/wasm/' })).rejects.toMatchObject({
        kind: 'backend',
        message:
          "backend 'wasm' is not available: wasm (@tensorflow/tfjs-backend-wasm): not passed (the wasm option of selectBackend); " +
          "npm i @tensorflow/tfjs-backend-wasm@4.22.0 and pass it: selectBackend('wasm', { wasm: () => import('@tensorflow/tfjs-backend-wasm'), wasmPaths }); " +
          "or use 'webgl' or 'cpu'",
      });
    });
  });

  describe("having a wasm option that is not the package's module", () => {
    it('should fail with kind backend, saying what to pass', async () => {
      const wasm = (): Promise<WasmBackendModule> => Promise.resolve({} as WasmBackendModule); // e.g. a default export
      await expect(selectBackend('wasm', { wasm })).rejects.toMatchObject({
        kind: 'backend',
        message:
          "backend 'wasm' is not available: wasm (@tensorflow/tfjs-backend-wasm): failed to load: the wasm option gave object without " +
          "setWasmPaths, not the module of @tensorflow/tfjs-backend-wasm; pass wasm: () => import('@tensorflow/tfjs-backend-wasm'); " +
          'serve the .wasm files of @tensorflow/tfjs-backend-wasm/dist and pass their URL as the wasmPaths option, or use cpu',
      });
    });
  });

  describe("having 'wasm' whose binaries cannot be fetched", () => {
    it('should say to serve the .wasm files and pass wasmPaths', async () => {
      const wasm = (): Promise<never> => Promise.reject(new Error('failed to fetch /tfjs-backend-wasm-simd.wasm'));
      await expect(selectBackend('wasm', { wasm })).rejects.toMatchObject({
        kind: 'backend',
        message:
          "backend 'wasm' is not available: wasm (@tensorflow/tfjs-backend-wasm): failed to load: failed to fetch /tfjs-backend-wasm-simd.wasm; " +
          'serve the .wasm files of @tensorflow/tfjs-backend-wasm/dist and pass their URL as the wasmPaths option, or use cpu',
      });
    });
  });

  describe('having a name that is no backend', () => {
    it('should list the names', async () => {
      await expect(selectBackend('metal' as BackendName)).rejects.toMatchObject({
        kind: 'backend',
        message: "backend 'metal' is not a backend; use one of auto, tensorflow, webgpu, webgl, wasm, cpu",
      });
    });
  });
});
