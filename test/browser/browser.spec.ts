import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { CHROMIUM, openTestPage, type TestPage } from './harness.js';
import { MEASURED, type Measured, type MeasureResult } from './measure.js';
import { fixedGradientRun, type NonFiniteResult, normRun, RULES, trainRun } from './scenarios.js';

/**
 * The library in a real browser: headless Chromium (Debian's, never downloaded) on webgl and
 * webgpu (both on SwiftShader), wasm and cpu, each compared with this Node process's cpu run.
 * Skipped, with a message, only when the browser is not installed (`.ci/run` installs it).
 */

const BACKENDS = ['webgl', 'webgpu', 'wasm', 'cpu'] as const;
const GPU = new Set<string>(['webgl', 'webgpu']);
const FUSED = ['sgd', 'adam', 'adamw', 'lion'] as const;
const haveBrowser = fs.existsSync(CHROMIUM);
if (!haveBrowser) {
  console.warn(`SKIPPED the browser test: ${CHROMIUM} is not installed (apt-get install -y chromium, or set CHROMIUM)`);
}
const suite = haveBrowser ? describe : describe.skip;

interface PageResults {
  readonly active: string;
  readonly fixed: Record<string, { w: number[]; b: number[]; kernels: string[]; growth: number }>;
  readonly plain: Record<string, { w: number[]; b: number[]; kernels: string[]; growth: number }>;
  readonly oneOutput: Record<string, { w: number[]; b: number[]; kernels: string[]; growth: number }>;
  readonly packOff: Record<string, { w: number[]; b: number[]; kernels: string[]; growth: number }> | null;
  readonly large: { kinds: Record<string, number>; got: number[]; want: number[]; growth: number } | null;
  readonly train: Record<string, { losses: number[]; tensors: number[]; growth: number }>;
  readonly nonFinite: NonFiniteResult;
  readonly norms: Record<string, number[]>;
  readonly measure: MeasureResult;
}

/** max |a − b| / max |b|: the error relative to the tensor's scale (elements near 0 do not blow it up). */
function relativeError(a: readonly number[], b: readonly number[]): number {
  expect(a).toHaveLength(b.length);
  let diff = 0;
  let scale = 0;
  a.forEach((x, i) => {
    const y = b[i] as number;
    diff = Math.max(diff, Math.abs(x - y));
    scale = Math.max(scale, Math.abs(y));
  });
  return diff / scale;
}

suite('the solver in headless Chromium', () => {
  let page: TestPage;
  const reference: {
    fixed: Record<string, { w: number[]; b: number[]; kernels: string[]; growth: number }>;
    train: Record<string, { losses: number[]; tensors: number[]; growth: number }>;
    norms: Record<string, number[]>;
  } = { fixed: {}, train: {}, norms: {} };

  beforeAll(async () => {
    await tf.setBackend('cpu');
    for (const rule of Object.keys(RULES)) {
      reference.fixed[rule] = await fixedGradientRun(rule, false);
      reference.train[rule] = await trainRun(rule);
    }
    reference.norms = await normRun();
    page = await openTestPage();
  }, 120_000);

  afterAll(async () => {
    await page.close();
  });

  it('should save to IndexedDB, reload the page and resume exactly where an uninterrupted run is', async () => {
    type Api = {
      solverTest: {
        useBackend(b: string): Promise<string>;
        resumeSave(): Promise<{ reference: number[]; referenceWeights: number[][]; before: number[] }>;
        resumeLoad(): Promise<{ after: number[]; weights: number[][]; optimizer: string }>;
      };
    };
    const saved = await page.page.evaluate(async () => {
      const api = (globalThis as unknown as Api).solverTest;
      await api.useBackend('webgl');
      return api.resumeSave();
    });
    await page.page.reload();
    await page.page.waitForFunction(() => 'solverTest' in globalThis);
    const resumed = await page.page.evaluate(async () => {
      const api = (globalThis as unknown as Api).solverTest;
      await api.useBackend('webgl');
      return api.resumeLoad();
    });
    expect(resumed.optimizer).toBe('SolverOptimizer');
    const uninterrupted = saved.reference;
    [...saved.before, ...resumed.after].forEach((loss, i) => {
      expect(Math.abs(loss - (uninterrupted[i] as number))).toBeLessThanOrEqual(1e-6 * Math.abs(uninterrupted[i] as number));
    });
    resumed.weights.forEach((w, i) => {
      expect(relativeError(w, saved.referenceWeights[i]!)).toBeLessThanOrEqual(1e-6);
    });
  }, 120_000);

  describe.each(BACKENDS)('on %s', (backend) => {
    let r: PageResults;

    beforeAll(async () => {
      try {
        r = (await page.page.evaluate(async (name) => {
          const api = (globalThis as unknown as { solverTest: { runAll(b: string): Promise<unknown> } }).solverTest;
          return api.runAll(name);
        }, backend)) as PageResults;
      } catch (e) {
        throw new Error(`${String(e)}\npage log:\n${page.log.join('\n')}`);
      }
    }, 150_000);

    it('should run on that backend', () => {
      expect(r.active).toBe(backend);
    });

    it('should leave every rule’s parameters within 1e-5 of the cpu run after 60 fixed-gradient steps', () => {
      for (const rule of Object.keys(RULES)) {
        const want = reference.fixed[rule]!;
        const got = r.fixed[rule]!;
        expect(relativeError(got.w, want.w)).toBeLessThanOrEqual(1e-5);
        expect(relativeError(got.b, want.b)).toBeLessThanOrEqual(1e-5);
        expect(got.growth).toBe(0);
      }
    });

    it('should leave every rule’s parameters within 1e-5 of the cpu run on the plain-ops path too (fused: false)', () => {
      for (const rule of Object.keys(RULES)) {
        const want = reference.fixed[rule]!;
        const got = r.plain[rule]!;
        expect([rule, relativeError(got.w, want.w) <= 1e-5, relativeError(got.b, want.b) <= 1e-5]).toEqual([rule, true, true]);
        expect(got.kernels.filter((k) => k.startsWith('TfjsSolver'))).toEqual([]);
        expect(got.growth).toBe(0);
      }
    });

    it('should give the same parameters with one program per output (where several outputs cannot be written at once)', () => {
      for (const rule of Object.keys(RULES)) {
        const want = reference.fixed[rule]!;
        const got = r.oneOutput[rule]!;
        expect([rule, relativeError(got.w, want.w) <= 1e-5, relativeError(got.b, want.b) <= 1e-5]).toEqual([rule, true, true]);
        expect([rule, relativeError(got.w, r.fixed[rule]!.w) <= 1e-6]).toEqual([rule, true]);
        expect(got.growth).toBe(0);
      }
    });

    it('should give the same parameters on webgl with packed textures turned off (WEBGL_PACK false)', () => {
      if (backend !== 'webgl') {
        expect(r.packOff).toBeNull();
        return;
      }
      expect(Object.keys(r.packOff ?? {})).toEqual(['sgdMomentum', 'adamw']);
      for (const [rule, got] of Object.entries(r.packOff ?? {})) {
        const want = reference.fixed[rule]!;
        expect([rule, relativeError(got.w, want.w) <= 1e-5, relativeError(got.b, want.b) <= 1e-5]).toEqual([rule, true, true]);
        expect(got.growth).toBe(0);
      }
    });

    it('should update a tensor too large for one row of workgroups on webgpu, to its last value', () => {
      if (backend !== 'webgpu') {
        expect(r.large).toBeNull();
        return;
      }
      const large = r.large!;
      expect(large.kinds.tfjsSolverMulti).toBe(1);
      expect(large.growth).toBe(0);
      large.got.forEach((x, i) => {
        expect(Math.abs(x - (large.want[i] as number))).toBeLessThanOrEqual(1e-6);
      });
    });

    it('should run the fused kernels for every rule and policy (plain ops only after a step without some gradient on webgl/webgpu)', () => {
      const fusedName: Record<string, string> = { sgd: 'TfjsSolverSgdGroup', adam: 'TfjsSolverAdamGroup', lion: 'TfjsSolverLionGroup' };
      // On a GPU the norm, clip scale and skip flag come from one step-control kernel.
      const normKernel = GPU.has(backend) ? 'TfjsSolverStepControl' : 'TfjsSolverGradNorms';
      for (const rule of Object.keys(RULES)) {
        const kind = rule.startsWith('sgd') ? 'sgd' : rule.startsWith('lion') ? 'lion' : 'adam';
        const want = !(rule.endsWith('Partial') && GPU.has(backend));
        expect([rule, r.fixed[rule]!.kernels.includes(fusedName[kind]!)]).toEqual([rule, want]);
        // Even without clipping or a guard: the step's statistics (the norm) come from it. Other
        // clippers run as tfjs ops.
        if (!/(Value|Norm)$/.test(rule)) expect([rule, r.fixed[rule]!.kernels.includes(normKernel)]).toEqual([rule, want]);
      }
    });

    it('should keep AdamW as close to the cpu run as SGD (no bias-correction drift)', () => {
      const err = (rule: string): number =>
        Math.max(relativeError(r.fixed[rule]!.w, reference.fixed[rule]!.w), relativeError(r.fixed[rule]!.b, reference.fixed[rule]!.b));
      const sgd = Math.max(err('sgd'), err('sgdMomentum'), err('sgdNesterov'));
      expect(err('adamw')).toBeLessThanOrEqual(Math.max(sgd, 1e-6));
      expect(err('adam')).toBeLessThanOrEqual(Math.max(sgd, 1e-6));
    });

    it('should train like the cpu run, loss for loss, with a flat tensor count', () => {
      for (const rule of Object.keys(RULES)) {
        const want = reference.train[rule]!;
        const got = r.train[rule]!;
        got.losses.forEach((loss, i) => {
          expect(Math.abs(loss - (want.losses[i] as number))).toBeLessThanOrEqual(1e-4 * Math.abs(want.losses[i] as number));
        });
        // The first step creates the optimizer's slots; after it nothing grows.
        expect(new Set(got.tensors.slice(1)).size).toBe(1);
        expect(got.losses[got.losses.length - 1]).toBeLessThan(got.losses[0] as number);
        expect(got.growth).toBe(0);
      }
    });

    it('should skip a non-finite step under `skip` and refuse it under `error`, state untouched', () => {
      const n = r.nonFinite;
      expect(n.skipKeptState).toBe(true);
      expect([n.skipSkipped, n.skipTotal]).toEqual([1, 1]);
      expect(n.skipResumed).toBe(true);
      expect(n.tensorsAfter).toBe(n.tensorsBefore);
      expect(n.errorFiniteOk).toBe('ok');
      expect(n.errorKind).toBe('nonFinite');
      expect(n.errorMessage).toMatch(/nonfinite\d+\/w/);
      expect(n.errorKeptState).toBe(true);
      expect(n.tensorsAfter).toBe(n.tensorsBefore);
    });

    it('should compute p-norms (global and per tensor) like the cpu kernel', () => {
      expect(r.norms.growth).toEqual([0]);
      for (const [key, want] of Object.entries(reference.norms)) {
        const got = r.norms[key]!;
        got.forEach((x, i) => {
          expect(Math.abs(x - (want[i] as number))).toBeLessThanOrEqual(1e-6 * Math.abs(want[i] as number));
        });
      }
    });

    it('should run no more GPU programs per step than tf.train.momentum, for every rule, with no tensor growth', () => {
      const f = r.measure.figures;
      const line = (name: Measured): string =>
        `${name} ${f[name].engineKernels}/${f[name].gpuPrograms} ${(f[name].msPerStep / f.momentum.msPerStep).toFixed(2)}x`;
      console.log(`${backend}: kernels/programs per step and time vs momentum: ${MEASURED.map(line).join(', ')}`);
      for (const name of FUSED) {
        expect([name, f[name].engineKernels <= f.momentum.engineKernels]).toEqual([name, true]);
        // Program counts are deterministic (time is measured by the report script, never asserted).
        if (GPU.has(backend)) expect([name, f[name].gpuPrograms <= f.momentum.gpuPrograms]).toEqual([name, true]);
        expect(f[name].tensorGrowth).toBe(0);
      }
      // One program per parameter writes it and its slots, after the norm's two programs.
      for (const name of FUSED) {
        if (GPU.has(backend)) expect([name, f[name].programKinds]).toEqual([name, { tfjsSolver: 2, tfjsSolverMulti: r.measure.variables }]);
      }
    });
  });
});
