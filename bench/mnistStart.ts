import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineInfo } from './machineInfo.js';

/**
 * `npm run bench:mnist` — what `npm start` costs and reaches (issue 12): runs the built CLI
 * (`node bin/tfjs-solver.js train --config configs/mnist_mlp.yaml --json`) in a child process on
 * the wasm backend, times it from spawn to exit (process start, data loading, training,
 * evaluations, model and plots included), and prints the held-out accuracy, the wall time, and
 * the machine with its load average before and after. Targets: >= 97.5% in <= 90 s.
 * Flags: `--runs N` (default 1), `--backend NAME` (default wasm). Needs `npm run build` first.
 */

const args: string[] = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i: number = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs: number = Number(flag('--runs') ?? 1);
const backend: string = flag('--backend') ?? 'wasm';
const before = machineInfo();
const rows: string[] = [];
for (let r = 0; r < runs; r++) {
  const dir: string = mkdtempSync(join(tmpdir(), 'mnist-start-'));
  const started: number = performance.now();
  const child = spawnSync(
    process.execPath,
    ['bin/tfjs-solver.js', 'train', '--config', 'configs/mnist_mlp.yaml', '--backend', backend, '--json', '--opts', 'OUTPUT_DIR', dir],
    { encoding: 'utf8' },
  );
  const wall: number = (performance.now() - started) / 1000;
  rmSync(dir, { recursive: true, force: true });
  if (child.status !== 0) throw new Error(`train failed (${child.status}): ${child.stderr}`);
  const result = JSON.parse(child.stdout) as { heldOutAccuracy: number; seconds: number; iteration: number; fingerprint: string };
  const met: boolean = result.heldOutAccuracy >= 0.975 && wall <= 90;
  rows.push(
    `| ${r + 1} | ${(100 * result.heldOutAccuracy).toFixed(2)}% | ${wall.toFixed(1)} | ${result.seconds.toFixed(1)} | ${result.iteration} | ${result.fingerprint.slice(0, 16)} | ${met ? 'yes' : '**no**'} |`,
  );
}
const after = machineInfo();
process.stdout.write(
  [
    `### npm start (configs/mnist_mlp.yaml on ${backend}): ${before.date}`,
    '',
    `${before.cpus} × ${before.cpuModel}, Node ${before.node}, tfjs ${before.tfjs}; load average before ${before.loadAverage.join(' / ')}, after ${after.loadAverage.join(' / ')}`,
    '',
    '| run | held-out accuracy | wall s (process) | training s | iterations | sha256 | >= 97.5% in <= 90 s |',
    '|---:|---:|---:|---:|---:|---|:---:|',
    ...rows,
    '',
  ].join('\n'),
);
