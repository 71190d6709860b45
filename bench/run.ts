import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { registerFusedKernels } from '../src/optim/kernels/registry.js';
import { tfAdamCase, tfMomentumCase, tfSgdCase } from './cases/builtinCases.js';
import { floorCase } from './cases/floorCase.js';
import { naiveClipCase } from './cases/naiveClipCase.js';
import { oursAdamWCase, oursFullStepCase, oursLionCase, oursPlainOpsCase } from './cases/solverCases.js';
import { machineInfo } from './machineInfo.js';
import { markdownTable } from './markdownTable.js';
import { floatsIn, paramSets } from './paramSets.js';
import { runBackend, type SetResult } from './runBackend.js';
import { checkTargets } from './targets.js';

/**
 * `npm run bench` — issue 6's benchmark: one process, side by side, per backend (wasm, cpu,
 * tensorflow when @tensorflow/tfjs-node is installed), for ResNet-50's parameter shapes and 400
 * small tensors. Flags: `--quick` (few steps, a smoke run), `--json FILE`, `--md FILE`,
 * `--backends wasm,cpu`, `--sets 0,1` (indexes into the two sets), `--cases floor,tf.momentum,ours`
 * (keys of the cases; a partial run for development — ratios need `tf.momentum` and `floor`).
 */

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const allCases = [
  floorCase,
  tfSgdCase,
  tfMomentumCase,
  tfAdamCase,
  naiveClipCase,
  oursFullStepCase,
  oursPlainOpsCase,
  oursAdamWCase,
  oursLionCase,
];
const caseKeys = flag('--cases')?.split(',');
const cases = allCases.filter((c) => caseKeys?.includes(c.key) ?? true);

/** The backends present: wasm and cpu always; tensorflow only if @tensorflow/tfjs-node loads. */
async function detectBackends(): Promise<string[]> {
  const found = ['wasm', 'cpu'];
  const nodeBackend = '@tensorflow/tfjs-node';
  try {
    await import(nodeBackend);
    found.push('tensorflow');
  } catch {
    process.stderr.write('tensorflow backend: @tensorflow/tfjs-node not installed, skipped\n');
  }
  const wanted = flag('--backends')?.split(',');
  return wanted === undefined ? found : found.filter((b) => wanted.includes(b));
}

async function main(): Promise<void> {
  registerFusedKernels();
  const before = machineInfo();
  const setIndexes = flag('--sets')?.split(',').map(Number);
  const sets = paramSets().filter((_, i) => setIndexes?.includes(i) ?? true);
  const results: SetResult[] = [];
  for (const backend of await detectBackends()) {
    results.push(...(await runBackend(backend, sets, cases, quick, floatsIn)));
  }
  const schedule = await runScheduleCase();
  const fit = await runScheduleCase('./cases/fitOverheadCase.ts');
  const after = machineInfo();
  const targets = checkTargets(results);
  const md = [
    `### Benchmark${quick ? ' (--quick)' : ''}: ${before.date}`,
    '',
    `${before.cpus} × ${before.cpuModel}, Node ${before.node}, tfjs ${before.tfjs}; load average before ${before.loadAverage.join(' / ')}, after ${after.loadAverage.join(' / ')}`,
    '',
    ...results.map(markdownTable),
    '#### Targets (issue 6)',
    '',
    '| target | measured | met |',
    '|---|---:|:---:|',
    ...targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`),
    '',
    ...(schedule === null ? [] : [`#### ${schedule.title}`, '', schedule.markdown, '']),
    ...(fit === null ? [] : [`#### ${fit.title}`, '', fit.markdown, '']),
  ].join('\n');
  process.stdout.write(md);
  const json = { machine: { before, after }, quick, results, targets, schedule: schedule?.json ?? null, fit: fit?.json ?? null };
  const jsonFile = flag('--json');
  if (jsonFile !== undefined) writeOut(jsonFile, JSON.stringify(json, null, 2));
  const mdFile = flag('--md');
  if (mdFile !== undefined) writeOut(mdFile, md);
  await tf.setBackend('cpu');
}

/** Writes a file, creating its folder (e.g. the git-ignored bench/out/ of a fresh clone). */
function writeOut(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** bench/cases/scheduleCase.ts (written by the schedules helper), or another case file with `run`, when present. */
async function runScheduleCase(
  path: string = './cases/scheduleCase.ts',
): Promise<{ title: string; markdown: string; json: unknown } | null> {
  const file = new URL(path, import.meta.url);
  if (!existsSync(file)) return null;
  const mod = (await import(file.href)) as { run?: (o: { quick: boolean }) => Promise<{ title: string; markdown: string; json: unknown }> };
  return mod.run === undefined ? null : mod.run({ quick });
}

await main();
