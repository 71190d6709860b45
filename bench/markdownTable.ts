import type { SetResult } from './runBackend.js';

const fmt = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/**
 * One Markdown table for one backend and set: ms/step (median, min–max), ratio to
 * `tf.train.momentum` in the same run, ratio to the memory floor, device reads per step,
 * tensors alive after warm-up → after the timed steps.
 */
export function markdownTable(result: SetResult): string {
  const byKey = new Map(result.cases.map((c) => [c.key, c.medianMs]));
  const momentum = byKey.get('tf.momentum') ?? NaN;
  const floor = byKey.get('floor') ?? NaN;
  const head = [
    `#### ${result.backend} — ${result.set}`,
    '',
    '| case | ms/step (median) | min–max | steps | × tf.train.momentum | × floor | syncs/step | tensors before → after |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const rows = result.cases.map((c) => {
    const tensors = c.key === 'floor' ? '—' : `${c.tensorsBefore} → ${c.tensorsAfter}`;
    return `| ${c.name} | ${fmt(c.medianMs)} | ${fmt(c.minMs)}–${fmt(c.maxMs)} | ${c.steps} | ${fmt(c.medianMs / momentum, 3)} | ${fmt(c.medianMs / floor, 2)} | ${fmt(c.syncsPerStep, 0)} | ${tensors} |`;
  });
  return [...head, ...rows, ''].join('\n');
}
