import {
  constantScheduler,
  cosineScheduler,
  exponentialScheduler,
  linearScheduler,
  multiStepScheduler,
  type ParamScheduler,
  polynomialDecayScheduler,
  stepScheduler,
  stepWithFixedGammaScheduler,
} from '../../src/sched/schedulers.js';
import { warmupScheduler } from '../../src/sched/lrScheduler.js';
import { compositeScheduler } from '../../src/sched/schedulers.js';

// Builds one of our schedulers from an entry of shared/reference/upstream-unit-tests.json
// (fvcore class name + Python argument names), so the reference table can drive our code.

/** A scheduler as the reference file writes it. */
export interface UpstreamSchedulerSpec {
  readonly class: string;
  readonly args: Readonly<Record<string, unknown>>;
}

// The reference passes deliberately wrong types (a dict for a list); the casts below hand
// them through unchanged so that our run-time validation sees exactly what fvcore saw.
function loose(value: Record<string, unknown>): never {
  return value as never;
}

export function fromUpstreamSpec(spec: UpstreamSchedulerSpec): ParamScheduler {
  const a: Readonly<Record<string, unknown>> = spec.args;
  switch (spec.class) {
    case 'ConstantParamScheduler':
      return constantScheduler(loose({ value: a.value }));
    case 'CosineParamScheduler':
      return cosineScheduler(loose({ startValue: a.start_value, endValue: a.end_value }));
    case 'ExponentialParamScheduler':
      return exponentialScheduler(loose({ startValue: a.start_value, decay: a.decay }));
    case 'LinearParamScheduler':
      return linearScheduler(loose({ startValue: a.start_value, endValue: a.end_value }));
    case 'PolynomialDecayParamScheduler':
      return polynomialDecayScheduler(loose({ baseValue: a.base_value, power: a.power }));
    case 'StepParamScheduler':
      return stepScheduler(loose({ numUpdates: a.num_updates, values: a.values }));
    case 'StepWithFixedGammaParamScheduler':
      return stepWithFixedGammaScheduler(
        loose({ baseValue: a.base_value, numDecays: a.num_decays, gamma: a.gamma, numUpdates: a.num_updates }),
      );
    case 'MultiStepParamScheduler':
      return multiStepScheduler(loose({ values: a.values, numUpdates: a.num_updates, milestones: a.milestones }));
    case 'CompositeParamScheduler':
      return compositeScheduler(
        loose({
          schedulers: (a.schedulers as UpstreamSchedulerSpec[]).map(fromUpstreamSpec),
          lengths: a.lengths,
          intervalScaling: a.interval_scaling,
        }),
      );
    case 'WarmupParamScheduler':
      return warmupScheduler(
        loose({
          scheduler: fromUpstreamSpec(a.scheduler as UpstreamSchedulerSpec),
          warmupFactor: a.warmup_factor,
          warmupLength: a.warmup_length,
          warmupMethod: a.warmup_method,
          rescaleInterval: a.rescale_interval,
        }),
      );
    default:
      throw new Error(`test helper: no mapping for ${spec.class}`);
  }
}
