// Config loading time against input size: `npx tsx bench/config/loadTime.ts`.
// Prints, for files of N top-level keys of other tools, the size and the best of 3 load times;
// linear time means the time per key stays flat as N grows.
import { loadConfigText } from '../../src/config/yaml.js';

function text(keys: number): string {
  const lines: string[] = ['SOLVER:', '  BASE_LR: 0.5'];
  for (let k = 0; k < keys; k += 1) lines.push(`OTHER_TOOL_KEY_${k}: ${k}`);
  return `${lines.join('\n')}\n`;
}

for (const keys of [4000, 8000, 16000, 32000, 38000]) {
  const yaml: string = text(keys);
  let best = Infinity;
  for (let run = 0; run < 3; run += 1) {
    const started: number = performance.now();
    loadConfigText(yaml, 'bench.yaml');
    best = Math.min(best, performance.now() - started);
  }
  console.log(`${keys} keys, ${yaml.length} bytes: ${best.toFixed(0)} ms (${((best * 1000) / keys).toFixed(1)} µs per key)`);
}
