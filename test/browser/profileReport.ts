// Where the time of one optimizer step goes, per GPU program kind (a measuring aid for docs/gpu.md;
// never asserted). Run: npx tsx test/browser/profileReport.ts [webgl,webgpu] [rounds] [optimizers]
import { openTestPage } from './harness.js';
import type { StepProfile } from './profile.js';

const backends = (process.argv[2] ?? 'webgl,webgpu').split(',');
const rounds = Number(process.argv[3] ?? '5');
const only = (process.argv[4] ?? '').split(',').filter((s) => s !== '');
const page = await openTestPage();
try {
  for (const backend of backends) {
    const profiles = (await page.page.evaluate(
      async ([name, n, which]) => {
        const api = (
          globalThis as unknown as {
            solverTest: {
              useBackend(b: string): Promise<string>;
              profileAll(steps: number, rounds: number, only: readonly string[]): Promise<unknown>;
            };
          }
        ).solverTest;
        await api.useBackend(name);
        return api.profileAll(10, n, which);
      },
      [backend, rounds, only] as const,
    )) as Record<string, StepProfile>;
    for (const [optimizer, p] of Object.entries(profiles)) {
      console.log(`${backend} ${optimizer}: ${p.totalMs.toFixed(2)} ms/step, issue ${p.issueMs.toFixed(2)} ms`);
      for (const [kind, c] of Object.entries(p.kinds))
        console.log(`    ${kind.padEnd(48)} ×${String(c.count).padStart(2)} ${String(c.elements).padStart(7)} el  ${c.ms.toFixed(2)} ms`);
    }
  }
} finally {
  await page.close();
}
