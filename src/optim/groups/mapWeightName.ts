const TO_DETECTRON2: Readonly<Record<string, string>> = Object.freeze({
  kernel: 'weight',
  depthwise_kernel: 'weight',
  pointwise_kernel: 'weight',
  recurrent_kernel: 'weight',
  embeddings: 'weight',
  gamma: 'weight',
  bias: 'bias',
  beta: 'bias',
});

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
  return TO_DETECTRON2[short] ?? short;
}

/**
 * The part of a weight name after the last `/`, without tfjs's uniqueness suffix (`kernel_1`
 * → `kernel` only when `kernel` is a known tfjs weight name).
 *
 * @param name a scoped weight name.
 * @returns the short name.
 */
export function shortWeightName(name: string): string {
  const last = name.slice(name.lastIndexOf('/') + 1);
  const unsuffixed = last.replace(/_\d+$/, '');
  return unsuffixed !== last && unsuffixed in TO_DETECTRON2 ? unsuffixed : last;
}
