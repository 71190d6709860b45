import { editDistance } from './editDistance.js';

/**
 * The candidate closest to `key` (compared case-insensitively), or `undefined` when none is close:
 * at most 2 edits, or a third of the key's length for long keys.
 * @example suggestKey('BASE_LRR', ['BASE_LR', 'GAMMA']) // 'BASE_LR'
 */
export function suggestKey(key: string, candidates: readonly string[]): string | undefined {
  const limit: number = Math.max(2, Math.floor(key.length / 3));
  let best: string | undefined;
  let bestDistance: number = limit + 1;
  for (const candidate of candidates) {
    const distance: number = editDistance(key.toUpperCase(), candidate.toUpperCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
