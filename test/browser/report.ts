// Kernels per optimizer step and applyGradients time vs tf.train.momentum in headless Chromium, per
// backend (the figures of docs/gpu.md). Run: npx tsx test/browser/report.ts [webgl,webgpu] [rounds] [extra]
// (`extra`: also tfjs's Adam, Adam + decay ops, and every fused rule without clipping; `fit`: a whole
// model.fit step per optimizer against tf.train.momentum's.)
import { openTestPage } from './harness.js';
import { EXTRA, type Extra, MEASURED, type MeasureResult, type Measured } from './measure.js';

const LABELS: Record<Measured | Extra, string> = {
  momentum: 'tf.train.momentum',
  plain: 'SolverOptimizer SGD, plain ops',
  sgd: 'SolverOptimizer SGD, fused',
  adam: 'SolverOptimizer Adam, fused',
  adamw: 'SolverOptimizer AdamW, fused',
  lion: 'SolverOptimizer Lion, fused',
  tfAdam: 'tf.train.adam',
  tfAdamDecay: 'tf.train.adam + decay ops',
  sgdNoClip: 'SolverOptimizer SGD, fused, no clipping',
  adamNoClip: 'SolverOptimizer Adam, fused, no clipping',
  adamwNoClip: 'SolverOptimizer AdamW, fused, no clipping',
  lionNoClip: 'SolverOptimizer Lion, fused, no clipping',
};

const backends = (process.argv[2] ?? 'webgl,webgpu').split(',');
const rounds = Number(process.argv[3] ?? '7');
const extra = process.argv.slice(4).includes('extra');
const fit = process.argv.slice(4).includes('fit');
const page = await openTestPage();
try {
  for (const backend of backends) {
    const m = (await page.page.evaluate(
      async ([name, n, more]) => {
        const api = (
          globalThis as unknown as {
            solverTest: {
              useBackend(b: string): Promise<string>;
              measureStep(steps: number, rounds: number, extra: boolean): Promise<unknown>;
            };
          }
        ).solverTest;
        await api.useBackend(name);
        return api.measureStep(10, n, more);
      },
      [backend, rounds, extra] as const,
    )) as MeasureResult;
    const f = m.figures;
    console.log('| backend | optimizer | engine kernels | GPU programs | ms / step | vs momentum | tensor growth |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const name of [...MEASURED, ...(extra ? EXTRA : [])]) {
      const x = f[name];
      if (x === undefined) continue;
      console.log(
        `| ${backend} | ${LABELS[name]} | ${x.engineKernels} | ${x.gpuPrograms} | ${x.msPerStep.toFixed(2)} | ${(x.msPerStep / f.momentum.msPerStep).toFixed(2)}× | ${x.tensorGrowth} |`,
      );
    }
    console.log(`programs by kind (fused SGD): ${JSON.stringify(f.sgd.programKinds)}`);
    if (fit) {
      const ms = (await page.page.evaluate(
        async (n) =>
          (globalThis as unknown as { solverTest: { measureFit(steps: number, rounds: number): Promise<unknown> } }).solverTest.measureFit(
            20,
            n,
          ),
        rounds,
      )) as Record<string, number>;
      const base = ms.momentum ?? NaN;
      const cells = Object.entries(ms).map(([k, v]) => `${k} ${v.toFixed(2)} (${(v / base).toFixed(2)}×)`);
      console.log(`model.fit step on ${backend}, ms (vs tf.train.momentum): ${cells.join(', ')}`);
    }
  }
} finally {
  await page.close();
}
