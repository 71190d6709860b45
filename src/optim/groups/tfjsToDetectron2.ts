/**
 * TensorFlow.js weight short names → detectron2's (SPEC §2), so that a detectron2 config's
 * `bias` / `weight` overrides mean the same weights in a tfjs model.
 */
export const TFJS_TO_DETECTRON2: Readonly<Record<string, string>> = Object.freeze({
  kernel: 'weight',
  depthwise_kernel: 'weight',
  pointwise_kernel: 'weight',
  recurrent_kernel: 'weight',
  embeddings: 'weight',
  gamma: 'weight',
  bias: 'bias',
  beta: 'bias',
});
