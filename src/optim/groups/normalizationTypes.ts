/**
 * Layer class names treated as normalization layers (their weights get `weightDecayNorm`).
 *
 * Why these: they are the normalization layers of tfjs-layers 4.22 whose weights train
 * (`gamma`, `beta`). Pass more through the `normTypes` option of getDefaultOptimizerParams.
 */
export const NORMALIZATION_TYPES: readonly string[] = Object.freeze(['BatchNormalization', 'LayerNormalization']);
