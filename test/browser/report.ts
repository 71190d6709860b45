// Kernels per optimizer step and applyGradients time vs tf.train.momentum in headless Chromium, per
// backend (the figures of docs/gpu.md). Run: npx tsx test/browser/report.ts [webgl,webgpu] [rounds]
import { openTestPage } from './harness.js';
import type { MeasureResult, StepFigures } from './measure.js';

const backends = (process.argv[2] ?? 'webgl,webgpu').split(',');
const rounds = Number(process.argv[3] ?? '7');
const page = await openTestPage();
try {
  for (const backend of backends) {
    const m = (await page.page.evaluate(
      async ([name, n]) => {
        const api = (
          globalThis as unknown as {
            solverTest: { useBackend(b: string): Promise<string>; measureStep(steps: number, rounds: number): Promise<unknown> };
          }
        ).solverTest;
        await api.useBackend(name);
        return api.measureStep(10, n);
      },
      [backend, rounds] as const,
    )) as MeasureResult;
    const row = (label: string, f: StepFigures): string =>
      `| ${backend} | ${label} | ${f.engineKernels} | ${f.gpuPrograms} | ${f.msPerStep.toFixed(2)} | ${(f.msPerStep / m.momentum.msPerStep).toFixed(2)}× | ${f.tensorGrowth} |`;
    console.log('| backend | optimizer | engine kernels | GPU programs | ms / step | vs momentum | tensor growth |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    console.log(row('tf.train.momentum', m.momentum));
    console.log(row('SolverOptimizer, plain ops', m.plain));
    console.log(row('SolverOptimizer, fused', m.fused));
    console.log(row('fused update alone (no clip, no guard)', m.updateOnly));
    console.log(`programs by kind (fused): ${JSON.stringify(m.fused.programKinds)}`);
  }
} finally {
  await page.close();
}
