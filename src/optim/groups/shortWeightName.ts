import { TFJS_TO_DETECTRON2 } from './tfjsToDetectron2.js';

/**
 * The part of a weight name after the last `/`, without tfjs's uniqueness suffix (`kernel_1`
 * → `kernel`, only when the unsuffixed name is a known tfjs weight name).
 *
 * @param name a scoped weight name such as `dense_1/kernel_1`.
 * @returns the short name, e.g. `kernel`.
 */
export function shortWeightName(name: string): string {
  const last = name.slice(name.lastIndexOf('/') + 1);
  const unsuffixed = last.replace(/_\d+$/, '');
  return unsuffixed !== last && unsuffixed in TFJS_TO_DETECTRON2 ? unsuffixed : last;
}
