/**
 * Levenshtein distance: the fewest single-character insertions, deletions or substitutions that
 * turn `a` into `b`. Used for did-you-mean suggestions on unknown config keys.
 * @example editDistance('BASE_LRR', 'BASE_LR') // 1
 */
export function editDistance(a: string, b: string): number {
  let previous: number[] = Array.from({ length: b.length + 1 }, (_unused: unknown, j: number) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current: number[] = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution: number = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
