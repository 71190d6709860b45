/** How a parameter is grouped in "our full step": decayed weight, normalization param (decay 0), or bias (LR ×2). */
export type ParamKind = 'weight' | 'norm' | 'bias';

/** One parameter of a benchmark set: its kind and shape. */
export type ParamSpec = readonly [ParamKind, readonly number[]];

/** A named parameter set. */
export interface ParamSet {
  readonly name: string;
  readonly params: readonly ParamSpec[];
}
