import type { GroupRow } from './GroupRow.js';

/**
 * The human form of `tfjs-solver groups`: one line per group (index, LR, weight decay, count,
 * parameter names), columns aligned, then a total.
 *
 * @param rows the groups in optimizer order.
 * @returns the table text, without a trailing newline.
 * @example
 * ```text
 * group  lr    weight_decay  count  params
 * 0      0.02  0.0001        2      dense/kernel, out/kernel
 * 4 parameters in 1 group
 * ```
 */
export function formatGroupsTable(rows: readonly GroupRow[]): string {
  const cells = [
    ['group', 'lr', 'weight_decay', 'count', 'params'],
    ...rows.map((r, i) => [String(i), String(r.lr), String(r.weight_decay), String(r.params.length), r.params.join(', ')]),
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...cells.map((row) => (row[c] ?? '').length)));
  const lines = cells.map((row) => row.map((cell, c) => (c < 4 ? cell.padEnd(widths[c] ?? 0) : cell)).join('  '));
  const count = rows.reduce((n, r) => n + r.params.length, 0);
  lines.push(`${count} parameter${count === 1 ? '' : 's'} in ${rows.length} group${rows.length === 1 ? '' : 's'}`);
  return lines.join('\n');
}
