import { parse } from 'yaml';
import { z } from 'zod';
import { formatValue, SolverError } from '../errors.js';
import { type MergedConfig, originOf } from './load.js';

/**
 * The typed shape of a tfjs-solver config, keys in detectron2's spelling.
 *
 * Why these names: a detectron2 YAML file's `SOLVER:` block must load unchanged and mean
 * the same thing here. Keys marked (ext) are extensions beyond detectron2.
 * Every object loaded by `loadConfig` is deeply frozen.
 */

/** Gradient clipping (detectron2 `SOLVER.CLIP_GRADIENTS`). */
export interface ClipGradientsConfig {
  /** Clip at all. Default false. */
  readonly ENABLED: boolean;
  /** `value`: clamp elements; `norm`: each parameter's norm on its own; `full_model` (ext): one global norm. */
  readonly CLIP_TYPE: 'value' | 'norm' | 'full_model';
  /** The clamp bound (`value`) or the maximum norm (`norm`, `full_model`). Default 1.0. */
  readonly CLIP_VALUE: number;
  /** p of the p-norm, any p >= 1, or `Infinity` (written `inf` in YAML). Default 2.0. */
  readonly NORM_TYPE: number;
  /**
   * (ext) What to do when a gradient norm is NaN or infinite: `skip` the update (weights and
   * slots untouched, the step counted as skipped; no device sync), `error` (throw naming the
   * parameter; needs a device sync per step), or `none` (apply as is). Default `skip`.
   */
  readonly NONFINITE: 'skip' | 'error' | 'none';
}

/** The `SOLVER` section: schedule, optimizer and clipping hyperparameters. */
export interface SolverSection {
  readonly LR_SCHEDULER_NAME: 'WarmupMultiStepLR' | 'WarmupCosineLR' | 'WarmupStepWithFixedGammaLR' | 'WarmupPolyLR';
  readonly MAX_ITER: number;
  readonly BASE_LR: number;
  readonly BASE_LR_END: number;
  readonly MOMENTUM: number;
  readonly NESTEROV: boolean;
  readonly WEIGHT_DECAY: number;
  readonly WEIGHT_DECAY_NORM: number;
  readonly GAMMA: number;
  readonly STEPS: readonly number[];
  readonly NUM_DECAYS: number;
  readonly WARMUP_FACTOR: number;
  readonly WARMUP_ITERS: number;
  readonly WARMUP_METHOD: 'linear' | 'constant';
  readonly RESCALE_INTERVAL: boolean;
  readonly CHECKPOINT_PERIOD: number;
  readonly IMS_PER_BATCH: number;
  readonly REFERENCE_WORLD_SIZE: number;
  readonly BIAS_LR_FACTOR: number;
  /** null means: the same as `WEIGHT_DECAY`. */
  readonly WEIGHT_DECAY_BIAS: number | null;
  readonly CLIP_GRADIENTS: ClipGradientsConfig;
  /** (ext) `SGD` (default), `AdamW` or `Adam`. */
  readonly OPTIMIZER: 'SGD' | 'AdamW' | 'Adam';
  /** (ext) Adam/AdamW betas. Default [0.9, 0.999]. */
  readonly BETAS: readonly [number, number];
  /** (ext) Adam/AdamW epsilon. Default 1e-8 (PyTorch's). */
  readonly EPS: number;
  /** (ext, detectron2 DeepLab project) power of `WarmupPolyLR`. Default 0.9. */
  readonly POLY_LR_POWER: number;
  /** (ext, detectron2 DeepLab project) constant LR factor at the end of `WarmupPolyLR`. Default 0.0. */
  readonly POLY_LR_CONSTANT_ENDING: number;
  /** (ext) Allow resuming a checkpoint written with a different `MAX_ITER`. Default false. */
  readonly ALLOW_MAX_ITER_CHANGE: boolean;
}

/** (ext) The `TRAIN` section: how the training loop runs. */
export interface TrainSection {
  /** `auto`, `tensorflow`, `wasm` or `cpu`. Default `auto`. */
  readonly BACKEND: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  /** Write metrics every this many iterations. Default 20. */
  readonly LOG_PERIOD: number;
  /** Keep this many most recent periodic checkpoints. Default 3. */
  readonly MAX_TO_KEEP: number;
  /** Keep an exponential moving average of the weights. Default false. */
  readonly EMA_ENABLED: boolean;
  /** Decay of the weight EMA. Default 0.999. */
  readonly EMA_DECAY: number;
  /** Evaluate on held-out data every this many iterations (and after the last); 0: only after the last. Default 0. */
  readonly EVAL_PERIOD: number;
}

/** (ext) The `DEMO` section: the built-in model `tfjs-solver train` trains on MNIST without `--model`. */
export interface DemoSection {
  /** `mlp` (Dense + BatchNorm) or `cnn` (needs conv gradients: cpu or tensorflow). Default `mlp`. */
  readonly MODEL: 'mlp' | 'cnn';
  /** Training digits used, of the 8,000 of the built-in split. Default 8000. */
  readonly NUM_SAMPLES: number;
  /** Units in each hidden layer. Default 64. */
  readonly HIDDEN_UNITS: number;
}

/** A whole config. Sections owned by other tools (`MODEL`, `DATASETS`, …) are dropped when loading. */
export interface SolverConfig {
  readonly SOLVER: SolverSection;
  readonly TRAIN: TrainSection;
  readonly DEMO: DemoSection;
  /** Where checkpoints and metrics go. Default `./output`. */
  readonly OUTPUT_DIR: string;
  /** Seed for data order and init; negative means: pick one and record it. Default -1. */
  readonly SEED: number;
}

/**
 * Freezes an object and everything reachable from it, so a loaded config cannot drift.
 * Returns the same object, typed as deeply readonly by the caller's declared type.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Every key's default, exactly as SPEC §1 (and detectron2's `config/defaults.py`) gives them.
 * Deeply frozen: derive a new config with `loadConfig`/`mergeConfig`, never by mutation.
 */
export const DEFAULT_CONFIG: SolverConfig = deepFreeze({
  SOLVER: {
    LR_SCHEDULER_NAME: 'WarmupMultiStepLR',
    MAX_ITER: 40000,
    BASE_LR: 0.001,
    BASE_LR_END: 0.0,
    MOMENTUM: 0.9,
    NESTEROV: false,
    WEIGHT_DECAY: 0.0001,
    WEIGHT_DECAY_NORM: 0.0,
    GAMMA: 0.1,
    STEPS: [30000],
    NUM_DECAYS: 3,
    WARMUP_FACTOR: 0.001,
    WARMUP_ITERS: 1000,
    WARMUP_METHOD: 'linear',
    RESCALE_INTERVAL: false,
    CHECKPOINT_PERIOD: 5000,
    IMS_PER_BATCH: 16,
    REFERENCE_WORLD_SIZE: 0,
    BIAS_LR_FACTOR: 1.0,
    WEIGHT_DECAY_BIAS: null,
    CLIP_GRADIENTS: {
      ENABLED: false,
      CLIP_TYPE: 'value',
      CLIP_VALUE: 1.0,
      NORM_TYPE: 2.0,
      NONFINITE: 'skip',
    },
    OPTIMIZER: 'SGD',
    BETAS: [0.9, 0.999],
    EPS: 1e-8,
    POLY_LR_POWER: 0.9,
    POLY_LR_CONSTANT_ENDING: 0.0,
    ALLOW_MAX_ITER_CHANGE: false,
  },
  TRAIN: {
    BACKEND: 'auto',
    LOG_PERIOD: 20,
    MAX_TO_KEEP: 3,
    EMA_ENABLED: false,
    EMA_DECAY: 0.999,
    EVAL_PERIOD: 0,
  },
  DEMO: {
    MODEL: 'mlp',
    NUM_SAMPLES: 8000,
    HIDDEN_UNITS: 256,
  },
  OUTPUT_DIR: './output',
  SEED: -1,
});

const TUPLE: RegExp = /^\s*\((.*)\)\s*$/s;

/**
 * Reads detectron2's Python tuple spelling of a list, `(60000, 80000)` or `(1500,)`, which YAML
 * parses as a plain string. Any other value is returned as it is.
 *
 * Why: detectron2's own files write `STEPS: (60000, 80000)`; they must load unchanged.
 * The inside is read as a YAML flow sequence, so `(1e-3, 2)` holds numbers.
 *
 * @example parseTupleString('(60000, 80000)') // [60000, 80000]
 */
export function parseTupleString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const match: RegExpExecArray | null = TUPLE.exec(value);
  const inside: string | undefined = match?.[1];
  if (inside === undefined) return value;
  try {
    const list: unknown = parse(`[${inside}]`, { version: '1.2' });
    return Array.isArray(list) ? list : value;
  } catch {
    return value;
  }
}

// The field schemas of the config. Each error message is the rule the value broke
// ("an integer > 0"); formatConfigIssue turns it into "KEY: got VALUE, expected RULE".
// Enum schemas (issue code invalid_value) instead write a whole sentence after the key.

/** An integer >= `min` (written "an integer > 0" for min 1). */
export function integerAtLeast(min: number): z.ZodNumber {
  const rule: string = min === 1 ? 'an integer > 0' : `an integer >= ${min}`;
  return z.number({ error: rule }).int({ error: rule }).gte(min, { error: rule });
}

/** Any integer (negative allowed). */
export function anyInteger(): z.ZodNumber {
  return z.number({ error: 'an integer' }).int({ error: 'an integer' });
}

/** A finite number >= `min`, or > `min` when `exclusive`. */
export function numberAtLeast(min: number, exclusive: boolean = false): z.ZodNumber {
  const rule: string = `a number ${exclusive ? '>' : '>='} ${min}`;
  const base: z.ZodNumber = z.number({ error: rule });
  return exclusive ? base.gt(min, { error: rule }) : base.gte(min, { error: rule });
}

/** A finite number in `[min, max]`. */
export function numberInClosed(min: number, max: number): z.ZodNumber {
  const rule: string = `a number in [${min}, ${max}]`;
  return z.number({ error: rule }).gte(min, { error: rule }).lte(max, { error: rule });
}

/** A finite number in `[min, max)`. */
export function numberInHalfOpen(min: number, max: number): z.ZodNumber {
  const rule: string = `a number in [${min}, ${max})`;
  return z.number({ error: rule }).gte(min, { error: rule }).lt(max, { error: rule });
}

/** `true` or `false` (YAML 1.2 also reads `True`/`FALSE`; `yes`/`no` are strings). */
export function boolean(): z.ZodBoolean {
  return z.boolean({ error: 'true or false' });
}

/** A non-empty string. */
export function nonEmptyString(): z.ZodString {
  return z.string({ error: 'a non-empty string' }).min(1, { error: 'a non-empty string' });
}

/**
 * One of `values`. The message is a whole sentence: `<unknownLabel>: <value> (expected one of …)`,
 * e.g. `Unknown LR scheduler: Foo`, the reference's wording.
 */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, unknownLabel: string): z.ZodEnum<{ [K in T[number]]: K }> {
  const expected: string = `expected one of ${values.join(', ')}`;
  return z.enum(values, {
    error: (issue: { input?: unknown }) => {
      const shown: string = typeof issue.input === 'string' ? issue.input : formatValue(issue.input);
      return `${unknownLabel}: ${shown} (${expected})`;
    },
  });
}

/** A list (a YAML sequence or a Python tuple string) of strictly increasing integers >= 0. */
export function increasingIntegers(): z.ZodType<readonly number[]> {
  const rule: string = 'a list of strictly increasing integers >= 0, like [60000, 80000] or (60000, 80000)';
  const list = z
    .array(z.number({ error: rule }).int({ error: rule }).gte(0, { error: rule }), { error: rule })
    .refine((items: number[]) => items.every((item: number, i: number) => i === 0 || item > (items[i - 1] ?? 0)), {
      error: rule,
    });
  return z.preprocess(parseTupleString, list);
}

/** A pair of numbers in [0, 1) (Adam's betas), as a list or a Python tuple string. */
export function betaPair(): z.ZodType<readonly [number, number]> {
  const rule: string = 'two numbers in [0, 1), like [0.9, 0.999]';
  const beta: z.ZodNumber = z.number({ error: rule }).gte(0, { error: rule }).lt(1, { error: rule });
  return z.preprocess(parseTupleString, z.tuple([beta, beta], { error: rule }));
}

/** A p-norm order: a number >= 1, or infinity (`inf`, `.inf`, `Infinity` in YAML). */
export function normOrder(): z.ZodType<number> {
  const rule: string = 'a number >= 1 or inf';
  const toNumber = (value: unknown): unknown =>
    typeof value === 'string' && /^[+]?\.?inf(inity)?$/i.test(value.trim()) ? Infinity : value;
  return z.preprocess(
    toNumber,
    z.custom<number>((value: unknown) => typeof value === 'number' && value >= 1, { error: rule }),
  );
}

/** Field rules of `SOLVER.CLIP_GRADIENTS` (SPEC §1, §4). */
export const clipGradientsSchema: z.ZodType<ClipGradientsConfig> = z.object({
  ENABLED: boolean(),
  CLIP_TYPE: oneOf(['value', 'norm', 'full_model'], 'Unknown gradient clipper type'),
  CLIP_VALUE: numberAtLeast(0, true),
  NORM_TYPE: normOrder(),
  NONFINITE: oneOf(['skip', 'error', 'none'], 'Unknown non-finite gradient policy'),
});

/** Field rules of the `SOLVER` section (SPEC §1). Cross-field rules live in `checkCrossFieldRules`. */
export const solverSectionSchema: z.ZodType<SolverSection> = z.object({
  LR_SCHEDULER_NAME: oneOf(['WarmupMultiStepLR', 'WarmupCosineLR', 'WarmupStepWithFixedGammaLR', 'WarmupPolyLR'], 'Unknown LR scheduler'),
  MAX_ITER: integerAtLeast(1),
  BASE_LR: numberAtLeast(0),
  BASE_LR_END: numberAtLeast(0),
  MOMENTUM: numberAtLeast(0),
  NESTEROV: boolean(),
  WEIGHT_DECAY: numberAtLeast(0),
  WEIGHT_DECAY_NORM: numberAtLeast(0),
  GAMMA: numberAtLeast(0, true),
  STEPS: increasingIntegers(),
  NUM_DECAYS: integerAtLeast(1),
  WARMUP_FACTOR: numberAtLeast(0),
  WARMUP_ITERS: integerAtLeast(0),
  WARMUP_METHOD: oneOf(['linear', 'constant'], 'Unknown warmup method'),
  RESCALE_INTERVAL: boolean(),
  CHECKPOINT_PERIOD: integerAtLeast(1),
  IMS_PER_BATCH: integerAtLeast(1),
  REFERENCE_WORLD_SIZE: integerAtLeast(0),
  BIAS_LR_FACTOR: numberAtLeast(0),
  WEIGHT_DECAY_BIAS: z.union([z.null(), numberAtLeast(0)], { error: 'null or a number >= 0' }),
  CLIP_GRADIENTS: clipGradientsSchema,
  OPTIMIZER: oneOf(['SGD', 'AdamW', 'Adam'], 'Unknown optimizer'),
  BETAS: betaPair(),
  EPS: numberAtLeast(0, true),
  POLY_LR_POWER: numberAtLeast(0),
  POLY_LR_CONSTANT_ENDING: numberInClosed(0, 1),
  ALLOW_MAX_ITER_CHANGE: boolean(),
});

const trainSectionSchema: z.ZodType<TrainSection> = z.object({
  BACKEND: oneOf(['auto', 'tensorflow', 'wasm', 'cpu'], 'Unknown backend'),
  LOG_PERIOD: integerAtLeast(1),
  MAX_TO_KEEP: integerAtLeast(1),
  EMA_ENABLED: boolean(),
  EMA_DECAY: numberInHalfOpen(0, 1),
  EVAL_PERIOD: integerAtLeast(0),
});

const demoSectionSchema: z.ZodType<DemoSection> = z.object({
  MODEL: oneOf(['mlp', 'cnn'], 'Unknown built-in model'),
  NUM_SAMPLES: integerAtLeast(1).lte(8000, { error: 'an integer in [1, 8000]' }),
  HIDDEN_UNITS: integerAtLeast(1),
});

/** Field rules of a whole config: the owned sections and the top-level `OUTPUT_DIR` and `SEED`. */
export const solverConfigSchema: z.ZodType<SolverConfig> = z.object({
  SOLVER: solverSectionSchema,
  TRAIN: trainSectionSchema,
  DEMO: demoSectionSchema,
  OUTPUT_DIR: nonEmptyString(),
  SEED: anyInteger(),
});

/**
 * The rules that involve two keys (SPEC §1), checked after every key passed its own rule:
 * - `SOLVER.NESTEROV` true needs `SOLVER.MOMENTUM` > 0 (PyTorch refuses Nesterov without momentum);
 * - with `WarmupCosineLR`, `SOLVER.BASE_LR_END / SOLVER.BASE_LR` must lie in [0, 1] (detectron2's assert).
 *
 * @throws SolverError kind `config` naming both keys, their values and the rule.
 */
export function checkCrossFieldRules(config: SolverConfig, origins: ReadonlyMap<string, string>): void {
  const solver = config.SOLVER;
  if (solver.NESTEROV && solver.MOMENTUM <= 0) {
    throw new SolverError(
      'config',
      `SOLVER.NESTEROV: got true with SOLVER.MOMENTUM ${solver.MOMENTUM}, expected SOLVER.MOMENTUM > 0 ` +
        `(Nesterov momentum needs a momentum)${originOf('SOLVER.NESTEROV', origins)}`,
    );
  }
  if (solver.LR_SCHEDULER_NAME === 'WarmupCosineLR') {
    const ratio: number = solver.BASE_LR_END / solver.BASE_LR;
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new SolverError(
        'config',
        `SOLVER.BASE_LR_END: got ${solver.BASE_LR_END} with SOLVER.BASE_LR ${solver.BASE_LR}, ` +
          `expected SOLVER.BASE_LR_END / SOLVER.BASE_LR in [0, 1] for WarmupCosineLR` +
          originOf('SOLVER.BASE_LR_END', origins),
      );
    }
  }
}

/**
 * Turns one zod issue into our message: `SOLVER.MAX_ITER: got -5, expected an integer > 0 (in a.yaml)`.
 * Enum rules (issue code `invalid_value`) carry a whole sentence, e.g.
 * `SOLVER.WARMUP_METHOD: Unknown warmup method: cosine (expected one of linear, constant)`.
 *
 * @param issue a zod issue from parsing with `reportInput: true`.
 * @param origins key path → source, for the ` (in FILE)` suffix.
 */
export function formatConfigIssue(issue: z.core.$ZodIssue, origins: ReadonlyMap<string, string>): string {
  const path: string = issue.path.map(String).join('.');
  const where: string = originOf(path, origins);
  if (issue.code === 'invalid_value') return `${path}: ${issue.message}${where}`;
  return `${path}: got ${formatValue(issue.input)}, expected ${issue.message}${where}`;
}

/**
 * Checks merged config data against every rule and returns it as a deeply frozen {@link SolverConfig}.
 *
 * @param merged the merged data and the source of each key (for messages).
 * @returns a new, deeply frozen config.
 * @throws SolverError kind `config` for the first broken rule; when several keys are wrong, all
 *   messages are joined with `; `, in key order.
 */
export function validateConfig(merged: MergedConfig): SolverConfig {
  const result = solverConfigSchema.safeParse(merged.data, { reportInput: true });
  if (!result.success) {
    const lines: string[] = result.error.issues.map((issue) => formatConfigIssue(issue, merged.origins));
    throw new SolverError('config', lines.join('; '));
  }
  checkCrossFieldRules(result.data, merged.origins);
  return deepFreeze(result.data);
}
