// Kernels per optimizer step and applyGradients time vs tf.train.momentum in headless Chromium, per
// backend (the figures of docs/gpu.md). Run: npx tsx test/browser/report.ts [webgl,webgpu] [rounds]
import { openTestPage } from './harness.js';
import { MEASURED, type MeasureResult, type Measured } from './measure.js';

const LABELS: Record<Measured, string> = {
  momentum: 'tf.train.momentum',
  plain: 'SolverOptimizer SGD, plain ops',
  sgd: 'SolverOptimizer SGD, fused',
  adam: 'SolverOptimizer Adam, fused',
  adamw: 'SolverOptimizer AdamW, fused',
  lion: 'SolverOptimizer Lion, fused',
};

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
    const f = m.figures;
    console.log('| backend | optimizer | engine kernels | GPU programs | ms / step | vs momentum | tensor growth |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const name of MEASURED) {
      const x = f[name];
      console.log(
        `| ${backend} | ${LABELS[name]} | ${x.engineKernels} | ${x.gpuPrograms} | ${x.msPerStep.toFixed(2)} | ${(x.msPerStep / f.momentum.msPerStep).toFixed(2)}× | ${x.tensorGrowth} |`,
      );
    }
    console.log(`programs by kind (fused SGD): ${JSON.stringify(f.sgd.programKinds)}`);
  }
} finally {
  await page.close();
}
