/** How gradients are clipped (SPEC §4); `none` (ext) only guards against non-finite gradients. */
export type ClipType = 'value' | 'norm' | 'full_model' | 'none';

/**
 * What to do when the gradients' norm is NaN or infinite: `skip` the update (weights and slots
 * untouched, decided on the device), throw an `error` naming the parameter (one device sync per
 * step), or `none` (apply as is).
 */
export type NonFinitePolicy = 'skip' | 'error' | 'none';

/** Options of buildGradientClipper, detectron2's `CLIP_GRADIENTS` keys in camelCase. */
export interface ClipperOptions {
  /** Default `value`. */
  readonly clipType?: ClipType;
  /** The clamp bound (`value`) or the maximum norm (`norm`, `full_model`); > 0. Default 1. */
  readonly clipValue?: number;
  /** p of the p-norm: any p >= 1, or `Infinity`. Default 2. */
  readonly normType?: number;
  /** Default `skip`. */
  readonly nonFinite?: NonFinitePolicy;
}
