import { SolverError } from '../../errors/index.js';
import type { ClipperOptions, ClipType, NonFinitePolicy } from './ClipperOptions.js';

/** Clipper options with every default filled in. */
export type ResolvedClipperOptions = Required<ClipperOptions>;

const CLIP_TYPES: readonly ClipType[] = ['value', 'norm', 'full_model', 'none'];
const POLICIES: readonly NonFinitePolicy[] = ['skip', 'error', 'none'];

/**
 * Fills in the defaults of {@link ClipperOptions} and checks every value.
 *
 * @param options the caller's options.
 * @returns the options with defaults (`value`, 1, 2, `skip`).
 * @throws SolverError('argument') naming the key, echoing the value and stating the rule.
 */
export function validateClipperOptions(options: ClipperOptions): ResolvedClipperOptions {
  const clipType = options.clipType ?? 'value';
  const clipValue = options.clipValue ?? 1;
  const normType = options.normType ?? 2;
  const nonFinite = options.nonFinite ?? 'skip';
  if (!CLIP_TYPES.includes(clipType)) {
    throw new SolverError('argument', `clipType: got '${clipType as string}', expected one of ${CLIP_TYPES.join(', ')}`);
  }
  if (!(Number.isFinite(clipValue) && clipValue > 0)) {
    throw new SolverError('argument', `clipValue: got ${clipValue}, expected a finite number > 0`);
  }
  if (!(normType >= 1)) {
    throw new SolverError('argument', `normType: got ${normType}, expected a number >= 1 or Infinity`);
  }
  if (!POLICIES.includes(nonFinite)) {
    throw new SolverError('argument', `nonFinite: got '${nonFinite as string}', expected one of ${POLICIES.join(', ')}`);
  }
  return { clipType, clipValue, normType, nonFinite };
}
