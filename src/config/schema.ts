import { formatValue, SolverError } from '../errors.js';
import type { MergedConfig } from './load.js';
import {
  anyInteger,
  boolean,
  check,
  type Infer,
  increasingIntegers,
  integerAtLeast,
  INVALID,
  nonEmptyString,
  nullable,
  numberAtLeast,
  numberIn,
  object,
  oneOf,
  pairOf,
  preprocess,
  type Rule,
  type RuleContext,
  type RuleIssue,
} from './rules.js';

const TUPLE: RegExp = /^\s*\((.*)\)\s*$/s;
const NUMBER: RegExp = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INFINITY: RegExp = /^[-+]?\.?inf(inity)?$/i;

function tupleItem(text: string): unknown {
  const item: string = text.trim();
  if (NUMBER.test(item)) return Number(item);
  if (INFINITY.test(item)) return item.startsWith('-') ? -Infinity : Infinity;
  return item;
}

/**
 * Reads detectron2's Python tuple spelling of a list, `(60000, 80000)` or `(1500,)`, which YAML
 * parses as a plain string. Any other value is returned as it is.
 *
 * Why: detectron2's own files write `STEPS: (60000, 80000)`; they must load unchanged.
 * Numbers are read as YAML 1.2 reads them (`1e-3`, `.5`, `inf`); anything else stays a string
 * (and then fails the key's rule).
 *
 * @example parseTupleString('(60000, 80000)') // [60000, 80000]
 */
export function parseTupleString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const inside: string | undefined = TUPLE.exec(value)?.[1];
  if (inside === undefined) return value;
  if (inside.trim() === '') return [];
  const parts: string[] = inside.split(',');
  if (parts.length > 1 && (parts[parts.length - 1] ?? '').trim() === '') parts.pop();
  return parts.map(tupleItem);
}

/** A p-norm order: a number >= 1, or infinity (`inf`, `.inf`, `Infinity` in YAML). */
function normOrder(): Rule<number> {
  const expected = 'a number >= 1 or inf';
  const toNumber = (value: unknown): unknown =>
    typeof value === 'string' && /^[+]?\.?inf(inity)?$/i.test(value.trim()) ? Infinity : value;
  return preprocess(toNumber, {
    expected,
    read: (value: unknown, context: RuleContext): number | typeof INVALID => {
      if (typeof value === 'number' && value >= 1) return value;
      context.issues.push({ path: context.path, text: `got ${formatValue(value)}, expected ${expected}` });
      return INVALID;
    },
  });
}

/** The rules of `SOLVER.CLIP_GRADIENTS` (detectron2 gradient clipping). */
const clipGradientsSchema = object({
  /** Clip at all. Default false. */
  ENABLED: boolean(),
  /** `value`: clamp elements; `norm`: each parameter's norm on its own; `full_model` (ext): one global norm. */
  CLIP_TYPE: oneOf(['value', 'norm', 'full_model'], 'Unknown gradient clipper type'),
  /** The clamp bound (`value`) or the maximum norm (`norm`, `full_model`). Default 1.0. */
  CLIP_VALUE: numberAtLeast(0, true),
  /** p of the p-norm, any p >= 1, or `Infinity` (written `inf` in YAML). Default 2.0. */
  NORM_TYPE: normOrder(),
  /**
   * (ext) What to do when a gradient norm is NaN or infinite: `skip` the update (weights and
   * slots untouched, the step counted as skipped; no device sync), `error` (throw naming the
   * parameter), or `none` (apply as is). Default `skip`.
   */
  NONFINITE: oneOf(['skip', 'error', 'none'], 'Unknown non-finite gradient policy'),
});

/** The rules of the `SOLVER` section, key by key; rules of two keys are in {@link checkCrossFieldRules}. */
const solverSectionSchema = object({
  LR_SCHEDULER_NAME: oneOf(['WarmupMultiStepLR', 'WarmupCosineLR', 'WarmupStepWithFixedGammaLR', 'WarmupPolyLR'], 'Unknown LR scheduler'),
  MAX_ITER: integerAtLeast(1),
  BASE_LR: numberAtLeast(0),
  BASE_LR_END: numberAtLeast(0),
  MOMENTUM: numberAtLeast(0),
  NESTEROV: boolean(),
  WEIGHT_DECAY: numberAtLeast(0),
  WEIGHT_DECAY_NORM: numberAtLeast(0),
  GAMMA: numberAtLeast(0, true),
  /** Iterations where `WarmupMultiStepLR` multiplies the LR by `GAMMA`: integers > 0, strictly increasing. */
  STEPS: preprocess(
    parseTupleString,
    increasingIntegers(1, 'a list of strictly increasing integers > 0, like [60000, 80000] or (60000, 80000)'),
  ),
  NUM_DECAYS: integerAtLeast(1),
  WARMUP_FACTOR: numberAtLeast(0),
  WARMUP_ITERS: integerAtLeast(0),
  WARMUP_METHOD: oneOf(['linear', 'constant'], 'Unknown warmup method'),
  RESCALE_INTERVAL: boolean(),
  CHECKPOINT_PERIOD: integerAtLeast(1),
  IMS_PER_BATCH: integerAtLeast(1),
  REFERENCE_WORLD_SIZE: integerAtLeast(0),
  BIAS_LR_FACTOR: numberAtLeast(0),
  /** null means: the same as `WEIGHT_DECAY`. */
  WEIGHT_DECAY_BIAS: nullable(numberAtLeast(0)),
  CLIP_GRADIENTS: clipGradientsSchema,
  /** (ext) `SGD` (default), `AdamW`, `Adam` or `Lion`. */
  OPTIMIZER: oneOf(['SGD', 'AdamW', 'Adam', 'Lion'], 'Unknown optimizer'),
  /** (ext) Adam/AdamW/Lion betas. Default null: the rule's own ([0.9, 0.999] for Adam, [0.9, 0.99] for Lion). */
  BETAS: preprocess(parseTupleString, nullable(pairOf(numberIn(0, 1, true), 'two numbers in [0, 1), like [0.9, 0.999]'))),
  /** (ext) Adam/AdamW epsilon. Default 1e-8 (PyTorch's). */
  EPS: numberAtLeast(0, true),
  /** (ext, detectron2 DeepLab project) power of `WarmupPolyLR`. Default 0.9. */
  POLY_LR_POWER: numberAtLeast(0),
  /** (ext, detectron2 DeepLab project) constant LR factor at the end of `WarmupPolyLR`. Default 0.0. */
  POLY_LR_CONSTANT_ENDING: numberIn(0, 1),
  /** (ext) Allow resuming a checkpoint written with a different `MAX_ITER`. Default false. */
  ALLOW_MAX_ITER_CHANGE: boolean(),
});

/** (ext) The rules of the `TRAIN` section: how the training loop runs. */
const trainSectionSchema = object({
  /** `auto`, `tensorflow`, `wasm` or `cpu`. Default `auto`. */
  BACKEND: oneOf(['auto', 'tensorflow', 'wasm', 'cpu'], 'Unknown backend'),
  /** Write metrics every this many iterations. Default 20. */
  LOG_PERIOD: integerAtLeast(1),
  /** Keep this many most recent periodic checkpoints. Default 3. */
  MAX_TO_KEEP: integerAtLeast(1),
  /** Keep an exponential moving average of the weights. Default false. */
  EMA_ENABLED: boolean(),
  /** Decay of the weight EMA. Default 0.999. */
  EMA_DECAY: numberIn(0, 1, true),
  /** Evaluate on held-out data every this many iterations (and after the last); 0: only after the last. Default 0. */
  EVAL_PERIOD: integerAtLeast(0),
});

/** (ext) The rules of the `DEMO` section: the built-in model `tfjs-solver train` trains on MNIST without `--model`. */
const demoSectionSchema = object({
  /** `mlp` (Dense + BatchNorm) or `cnn` (needs conv gradients: cpu or tensorflow). Default `mlp`. */
  MODEL: oneOf(['mlp', 'cnn'], 'Unknown built-in model'),
  /** Training digits used, of the 8,000 of the built-in split. Default 8000. */
  NUM_SAMPLES: check(
    'an integer in [1, 8000]',
    (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 8000,
  ),
  /** Units in each hidden layer. Default 256. */
  HIDDEN_UNITS: integerAtLeast(1),
});

/**
 * The rules of a whole config, key by key: the one source of truth of the config's shape
 * ({@link SolverConfig} is derived from it).
 */
export const solverConfigSchema = object({
  SOLVER: solverSectionSchema,
  TRAIN: trainSectionSchema,
  DEMO: demoSectionSchema,
  /** Where checkpoints and metrics go. Default `./output`. */
  OUTPUT_DIR: nonEmptyString(),
  /** Seed for data order and init; negative means: pick one and record it. Default -1. */
  SEED: anyInteger(),
});

/**
 * A whole config, keys in detectron2's spelling (derived from {@link solverConfigSchema}).
 *
 * Why these names: a detectron2 YAML file's `SOLVER:` block must load unchanged and mean the same
 * thing here; sections owned by other tools (`MODEL`, `DATASETS`, …) are dropped when loading.
 * Every config `loadConfig`, `parseConfig` and `mergeConfig` return is validated and deeply frozen.
 *
 * @example
 * ```ts
 * const config: SolverConfig = parseConfig({ SOLVER: { BASE_LR: 0.02, STEPS: '(60000, 80000)' } });
 * config.SOLVER.STEPS; // [60000, 80000]
 * ```
 */
export type SolverConfig = Infer<typeof solverConfigSchema>;
/** The `SOLVER` section: schedule, optimizer and clipping hyperparameters. */
export type SolverSection = SolverConfig['SOLVER'];
/** Gradient clipping (detectron2 `SOLVER.CLIP_GRADIENTS`). */
export type ClipGradientsConfig = SolverSection['CLIP_GRADIENTS'];
/** (ext) The `TRAIN` section: how the training loop runs. */
export type TrainSection = SolverConfig['TRAIN'];
/** (ext) The `DEMO` section: the small model and synthetic data `npm start` trains. */
export type DemoSection = SolverConfig['DEMO'];

/** A rule of two or more keys: the key it is reported under, and its check (the message tail, or nothing). */
interface CrossFieldRule {
  readonly key: string;
  /** The other keys the rule reads (the message names the file that set any of them). */
  readonly involves: readonly string[];
  /** The message after `KEY: ` (or `{ at, text }` for an item of a list key), or nothing. */
  readonly check: (solver: SolverSection) => string | { readonly at: string; readonly text: string } | undefined;
}

/**
 * The rules that involve two keys, checked after every key passed its own rule, so
 * that every rule the schedule and the training loop rely on is enforced once, at load time.
 */
const CROSS_FIELD_RULES: readonly CrossFieldRule[] = [
  {
    // PyTorch refuses Nesterov without momentum.
    key: 'SOLVER.NESTEROV',
    involves: ['SOLVER.MOMENTUM'],
    check: (s) =>
      s.NESTEROV && s.MOMENTUM <= 0
        ? `got true with SOLVER.MOMENTUM ${s.MOMENTUM}, expected SOLVER.MOMENTUM > 0 (Nesterov momentum needs a momentum)`
        : undefined,
  },
  {
    // detectron2 asserts 0 <= BASE_LR_END / BASE_LR <= 1 for the cosine schedule.
    key: 'SOLVER.BASE_LR_END',
    involves: ['SOLVER.BASE_LR', 'SOLVER.LR_SCHEDULER_NAME'],
    check: (s) => {
      if (s.LR_SCHEDULER_NAME !== 'WarmupCosineLR') return undefined;
      const ratio: number = s.BASE_LR_END / s.BASE_LR;
      return ratio >= 0 && ratio <= 1
        ? undefined
        : `got ${s.BASE_LR_END} with SOLVER.BASE_LR ${s.BASE_LR}, expected SOLVER.BASE_LR_END / SOLVER.BASE_LR in [0, 1] for WarmupCosineLR`;
    },
  },
  {
    // A step at MAX_ITER would only change the LR after the last iteration (fvcore refuses it).
    key: 'SOLVER.STEPS',
    involves: ['SOLVER.MAX_ITER', 'SOLVER.LR_SCHEDULER_NAME'],
    check: (s) => {
      if (s.LR_SCHEDULER_NAME !== 'WarmupMultiStepLR') return undefined;
      const k: number = s.STEPS.indexOf(s.MAX_ITER);
      if (k < 0) return undefined;
      return { at: `[${k}]`, text: `got ${s.MAX_ITER}, expected < SOLVER.MAX_ITER (${s.MAX_ITER}); a step at MAX_ITER never takes effect` };
    },
  },
  {
    // With RESCALE_INTERVAL the main schedule is squeezed into the iterations after warmup.
    key: 'SOLVER.WARMUP_ITERS',
    involves: ['SOLVER.MAX_ITER', 'SOLVER.RESCALE_INTERVAL', 'SOLVER.LR_SCHEDULER_NAME'],
    check: (s) =>
      s.RESCALE_INTERVAL && s.LR_SCHEDULER_NAME !== 'WarmupPolyLR' && s.WARMUP_ITERS >= s.MAX_ITER
        ? `got ${s.WARMUP_ITERS}, expected < SOLVER.MAX_ITER (${s.MAX_ITER}) when SOLVER.RESCALE_INTERVAL is true`
        : undefined,
  },
];

/**
 * Checks the rules that involve two keys (NESTEROV needs MOMENTUM; the cosine BASE_LR_END /
 * BASE_LR ratio; a MultiStep step at MAX_ITER; warmup shorter than the run with RESCALE_INTERVAL).
 *
 * @throws SolverError kind `config` naming the key, the values and the rule, and where it was set.
 */
export function checkCrossFieldRules(config: SolverConfig, origins: ReadonlyMap<string, string>): void {
  for (const rule of CROSS_FIELD_RULES) {
    const broken = rule.check(config.SOLVER);
    if (broken === undefined) continue;
    const [key, text] = typeof broken === 'string' ? [rule.key, broken] : [`${rule.key}${broken.at}`, broken.text];
    const where: string = [rule.key, ...rule.involves].map((k: string) => originOf(k, origins)).find((w: string) => w !== '') ?? '';
    throw new SolverError('config', `${key}: ${text}${where}`);
  }
}

/**
 * The source that set `path` (or the nearest enclosing key that was set whole), as ` (in a.yaml)`,
 * or `''` when the value is a default.
 */
export function originOf(path: string, origins: ReadonlyMap<string, string>): string {
  let current: string = path;
  for (;;) {
    const source: string | undefined = origins.get(current);
    if (source !== undefined) return ` (in ${source})`;
    const dot: number = current.lastIndexOf('.');
    if (dot < 0) return '';
    current = current.slice(0, dot);
  }
}

/** At most this many broken rules are listed in one message; the rest are counted. */
export const MAX_LISTED_ISSUES: number = 10;

/**
 * One message for broken rules: `SOLVER.MAX_ITER: got -5, expected an integer > 0 (in a.yaml)`,
 * several joined with `; ` in key order, at most {@link MAX_LISTED_ISSUES} of them.
 */
export function formatConfigIssues(issues: readonly RuleIssue[], origins: ReadonlyMap<string, string>): string {
  const lines: string[] = issues
    .slice(0, MAX_LISTED_ISSUES)
    .map((issue: RuleIssue) => `${issue.path}: ${issue.text}${originOf(issue.path, origins)}`);
  const more: number = issues.length - MAX_LISTED_ISSUES;
  return more > 0 ? `${lines.join('; ')}; and ${more} more` : lines.join('; ');
}

/**
 * Checks merged config data against every rule and returns it as a deeply frozen {@link SolverConfig}.
 *
 * @param merged the merged data and the source of each key (for messages).
 * @returns a new, deeply frozen config.
 * @throws SolverError kind `config` for the broken rules; when several keys are wrong, their
 *   messages are joined with `; `, in key order.
 */
export function validateConfig(merged: MergedConfig): SolverConfig {
  const issues: RuleIssue[] = [];
  const config = solverConfigSchema.read(merged.data, { path: '', issues });
  if (config === INVALID) throw new SolverError('config', formatConfigIssues(issues, merged.origins));
  checkCrossFieldRules(config, merged.origins);
  return deepFreeze(config);
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
 * Every key's default, as detectron2's `config/defaults.py` gives them for the keys it has.
 *
 * Why: one place to read what an unset key means. Deeply frozen: derive a new config with
 * `parseConfig`/`mergeConfig`, never by mutation.
 *
 * @example
 * ```ts
 * DEFAULT_CONFIG.SOLVER.WARMUP_ITERS; // 1000
 * const tuned = mergeConfig(DEFAULT_CONFIG, { SOLVER: { BASE_LR: 0.02 } });
 * ```
 */
export const DEFAULT_CONFIG: SolverConfig = deepFreeze<SolverConfig>({
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
    BETAS: null,
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
