import { shortWeightName } from './shortWeightName.js';
import { TFJS_TO_DETECTRON2 } from './tfjsToDetectron2.js';

/**
 * Maps a TensorFlow.js weight name to detectron2's short name (SPEC §2).
 *
 * Why: a detectron2 config's `bias` override and `BIAS_LR_FACTOR` must mean the same weights
 * in a tfjs model. Only the part after the last `/` counts; a numeric `_N` suffix that tfjs adds
 * to make a variable name unique is ignored. Names without a mapping come back unchanged.
 *
 * @param name a weight name such as `dense_1/kernel`, `bn/beta` or `weight`.
 * @returns `weight`, `bias`, or the short name itself.
 * @example
 * ```ts
 * mapWeightName('conv/kernel'); // 'weight'
 * mapWeightName('bn/beta');     // 'bias'
 * ```
 */
export function mapWeightName(name: string): string {
  const short = shortWeightName(name);
  return TFJS_TO_DETECTRON2[short] ?? short;
}
