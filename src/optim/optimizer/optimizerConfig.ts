import type * as tf from '@tensorflow/tfjs';
import type { ClipperOptions, NonFinitePolicy } from '../clip/ClipperOptions.js';
import type { ResolvedOptimizerOptions } from './resolveOptimizerOptions.js';
import type { OptimizerAlgorithm, SolverOptimizerOptions } from './SolverOptimizerOptions.js';

type ConfigDict = tf.serialization.ConfigDict;

/**
 * The serializable config of a SolverOptimizer (what `model.save` stores): groups by variable
 * name with their base and current LR, the update rule and the clipping options. A custom
 * clipper is not serializable; it is recorded as no clipping.
 *
 * @param opts the optimizer's resolved options.
 * @returns a plain config dictionary.
 */
export function optimizerConfig(opts: ResolvedOptimizerOptions): ConfigDict {
  return {
    algorithm: opts.algorithm,
    momentum: opts.momentum,
    nesterov: opts.nesterov,
    betas: [...opts.betas],
    eps: opts.eps,
    nonFinite: opts.nonFinite,
    // JSON has no Infinity: a normType of Infinity is written 'inf', as in a YAML config.
    clip: opts.clip === null ? null : { ...opts.clip, ...(opts.clip.normType === Infinity ? { normType: 'inf' } : {}) },
    groups: opts.groups.map((g) => ({ params: [...g.names], lr: g.baseLr, weightDecay: g.weightDecay, currentLr: g.lr })),
  };
}

/**
 * The options that rebuild an optimizer from {@link optimizerConfig}'s output, and each group's current LR.
 *
 * @param config a config dictionary written by optimizerConfig.
 * @returns constructor options and the current LRs to set.
 */
export function optionsFromConfig(config: ConfigDict): { options: SolverOptimizerOptions; currentLrs: number[] } {
  const groups = config.groups as unknown as { params: string[]; lr: number; weightDecay: number; currentLr: number }[];
  const stored = config.clip as (Omit<ClipperOptions, 'normType'> & { normType?: number | 'inf' }) | null;
  const clip: ClipperOptions | null =
    stored === null ? null : { ...stored, ...(stored.normType === 'inf' ? { normType: Infinity } : {}) } as ClipperOptions;
  const options: SolverOptimizerOptions = {
    algorithm: config.algorithm as OptimizerAlgorithm,
    momentum: config.momentum as number,
    nesterov: config.nesterov as boolean,
    betas: config.betas as unknown as [number, number],
    eps: config.eps as number,
    nonFinite: config.nonFinite as NonFinitePolicy,
    groups: groups.map((g) => ({ params: g.params, lr: g.lr, weightDecay: g.weightDecay })),
    ...(clip === null ? {} : { clip }),
  };
  return { options, currentLrs: groups.map((g) => g.currentLr) };
}
