import { SolverError } from '../../errors/index.js';
import type { DefaultOptimizerParamsOptions } from './DefaultOptimizerParamsOptions.js';
import type { ParamHyperparams } from './ParamGroup.js';

/**
 * Validates the options of getDefaultOptimizerParams and returns the overrides to apply: the
 * caller's, plus the `bias` override that `biasLrFactor`/`weightDecayBias` make (SPEC §2.1-2).
 *
 * @param options the caller's options; not modified.
 * @returns a new overrides object.
 * @throws SolverError('argument') `bias_lr_factor requires base_lr`, `Conflicting overrides
 *   for 'bias'` or `lr_factor_func requires base_lr`, each followed by the values at fault.
 */
export function resolveOverrides(options: DefaultOptimizerParamsOptions): Record<string, ParamHyperparams> {
  const { baseLr, biasLrFactor = 1, weightDecayBias, lrFactorFunc } = options;
  const overrides: Record<string, ParamHyperparams> = { ...(options.overrides ?? {}) };
  let bias: { lr?: number; weightDecay?: number } = {};
  if (biasLrFactor !== 1) {
    if (baseLr === undefined) {
      throw new SolverError('argument', `bias_lr_factor requires base_lr: got biasLrFactor=${biasLrFactor} and no baseLr`);
    }
    bias = { lr: baseLr * biasLrFactor };
  }
  if (weightDecayBias !== undefined) bias = { ...bias, weightDecay: weightDecayBias };
  if (Object.keys(bias).length > 0) {
    if ('bias' in overrides) {
      throw new SolverError(
        'argument',
        `Conflicting overrides for 'bias': biasLrFactor=${biasLrFactor} / weightDecayBias=${String(weightDecayBias)} ` +
          `make a 'bias' override and overrides.bias=${JSON.stringify(overrides.bias)} is given too`,
      );
    }
    overrides.bias = bias;
  }
  if (lrFactorFunc !== undefined && baseLr === undefined) {
    throw new SolverError('argument', 'lr_factor_func requires base_lr: got lrFactorFunc and no baseLr');
  }
  return overrides;
}
