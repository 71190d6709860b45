import { describe, expect, it } from '@jest/globals';
import { buildSimdModule, type SimdKernels, simdExport, simdKernelsFor, type WasmMemory } from '../../../../src/optim/kernels/wasm.js';

/** The global WebAssembly object as this test uses it (the project's TS libs do not declare it). */
interface TestWasm {
  readonly Memory: new (d: { initial: number }) => WasmMemory;
  readonly Module: {
    new (bytes: Uint8Array): object;
    exports(m: object): { name: string }[];
    imports(m: object): { module: string; name: string; kind: string }[];
  };
}
const WA = (globalThis as unknown as { WebAssembly: TestWasm }).WebAssembly;

/** A fresh 1-page memory with the SIMD kernels bound to it. */
function setUp(): { f: Float32Array; k: SimdKernels } {
  const memory = new WA.Memory({ initial: 1 });
  const k = simdKernelsFor()(memory);
  if (k === null) throw new Error('no wasm SIMD in this engine');
  return { f: new Float32Array(memory.buffer), k };
}

describe('buildSimdModule', () => {
  describe('when assembled', () => {
    it('should be a valid module exporting the eleven kernels', () => {
      const module = new WA.Module(buildSimdModule());
      expect(WA.Module.exports(module).map((e) => e.name)).toEqual([
        'sgd',
        'sgdMomentum',
        'sgdNesterov',
        'adam',
        'lion',
        'sumAbs',
        'sumSquares',
        'sumCubes',
        'maxAbs',
        'finiteProbe',
        'ema',
      ]);
      expect(WA.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    });
  });

  describe('having x = [−3.5, −2.5, …, 3.5] at offset 0', () => {
    it('should give Σ|x| = 16, Σx² = 42, Σ|x|³ = 124 and max|x| = 3.5 (by hand)', () => {
      const { f, k } = setUp();
      f.set([-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5]);
      expect([k.sumAbs(0, 32), k.sumSquares(0, 32), k.sumCubes(0, 32), k.maxAbs(0, 32)]).toEqual([16, 42, 124, 3.5]);
    });
  });

  describe('having p = −3.5, g = 1, b = 0.5, lr 0.1, μ 0.9, λ 0.01, scale 2', () => {
    it('should do one nesterov step: d = 1.965, b = 2.415, p = −3.91385 (by hand)', () => {
      const { f, k } = setUp();
      f.fill(-3.5, 0, 4);
      f.fill(1, 4, 8);
      f.fill(0.5, 8, 12);
      simdExport(k, 'sgdNesterov')(0, 0, 16, 32, 32, 16, 0.1, 0.9, 0.01, 2);
      expect(f[8]).toBeCloseTo(2.415, 5);
      expect(f[0]).toBeCloseTo(-3.91385, 5);
    });
  });
});
