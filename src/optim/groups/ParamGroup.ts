/**
 * Hyperparameters a parameter group can carry. `lr` and `weightDecay` are what the optimizers
 * read; any other key (e.g. `momentum` in detectron2's tests) is kept and compared when merging.
 */
export interface ParamHyperparams {
  readonly lr?: number;
  readonly weightDecay?: number;
  readonly [key: string]: unknown;
}

/**
 * A parameter group: the parameters (in walk order) and the hyperparameters they share.
 *
 * Why generic in `P`: the rules are pure functions of names and flags. With plain data `P` is
 * whatever identifies a weight (a string in tests); for a `tf.LayersModel` it is the weight's
 * `tf.Variable`, whose `name` is the key of the gradient map.
 */
export type ParamGroup<P> = ParamHyperparams & { readonly params: readonly P[] };

/** One weight of a {@link ModuleData}: its short name, what identifies it, and whether it trains. */
export interface ParamData<P> {
  /** The weight's name inside its module, e.g. `kernel`, `weight`, `bias`. */
  readonly name: string;
  /** What identifies the weight; tied weights share the same value (compared with `===`). */
  readonly value: P;
  /** Non-trainable weights never enter a group. Default true. */
  readonly trainable?: boolean;
}

/**
 * One module (layer) of a model as plain data, in walk order. This is how the group rules are
 * tested without tensors and how models of other libraries plug in.
 */
export interface ModuleData<P> {
  /** The module's name; the full name of a weight is `${name}.${param.name}`. */
  readonly name: string;
  /** The module's class name, e.g. `Dense`, `BatchNormalization` (decides normalization). */
  readonly type: string;
  /** The module's own weights, in order. */
  readonly params: readonly ParamData<P>[];
}
