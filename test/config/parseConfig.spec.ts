import { describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../src/config/load.js';
import { SolverError } from '../../src/errors.js';

/** `{ SOLVER: { MAX_ITER: -5 } }` from `'SOLVER.MAX_ITER', -5`. */
function nested(path: string, value: unknown): Record<string, unknown> {
  return path.split('.').reduceRight<unknown>((inner: unknown, key: string) => ({ [key]: inner }), value) as Record<string, unknown>;
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error: unknown) {
    expect(SolverError.is(error, 'config')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a SolverError');
}

const src = ' (in bad.yaml)';

describe(parseConfig, () => {
  describe('having no keys', () => {
    it('should give a config equal to the defaults', () => {
      const config = parseConfig({});
      expect(config.SOLVER.STEPS).toEqual([30000]);
      expect(config.TRAIN.BACKEND).toBe('auto');
      expect(config.OUTPUT_DIR).toBe('./output');
    });
  });

  describe('having a value that breaks a field rule', () => {
    it.each<[string, unknown, string]>([
      [
        'SOLVER.LR_SCHEDULER_NAME',
        'WarmupExpLR',
        'SOLVER.LR_SCHEDULER_NAME: Unknown LR scheduler: WarmupExpLR (expected one of WarmupMultiStepLR, WarmupCosineLR, WarmupStepWithFixedGammaLR, WarmupPolyLR)',
      ],
      ['SOLVER.MAX_ITER', -5, 'SOLVER.MAX_ITER: got -5, expected an integer > 0'],
      ['SOLVER.MAX_ITER', 0, 'SOLVER.MAX_ITER: got 0, expected an integer > 0'],
      ['SOLVER.MAX_ITER', 2.5, 'SOLVER.MAX_ITER: got 2.5, expected an integer > 0'],
      ['SOLVER.MAX_ITER', '100', 'SOLVER.MAX_ITER: got "100", expected an integer > 0'],
      ['SOLVER.BASE_LR', -0.1, 'SOLVER.BASE_LR: got -0.1, expected a finite number >= 0'],
      ['SOLVER.BASE_LR', Infinity, 'SOLVER.BASE_LR: got Infinity, expected a finite number >= 0'],
      ['SOLVER.BASE_LR_END', -1, 'SOLVER.BASE_LR_END: got -1, expected a finite number >= 0'],
      ['SOLVER.MOMENTUM', -0.9, 'SOLVER.MOMENTUM: got -0.9, expected a finite number >= 0'],
      ['SOLVER.NESTEROV', 'yes', 'SOLVER.NESTEROV: got "yes", expected true or false'],
      ['SOLVER.WEIGHT_DECAY', -1e-4, 'SOLVER.WEIGHT_DECAY: got -0.0001, expected a finite number >= 0'],
      ['SOLVER.WEIGHT_DECAY_NORM', null, 'SOLVER.WEIGHT_DECAY_NORM: got null, expected a finite number >= 0'],
      ['SOLVER.GAMMA', 0, 'SOLVER.GAMMA: got 0, expected a finite number > 0'],
      [
        'SOLVER.STEPS',
        [80000, 60000],
        'SOLVER.STEPS: got [80000,60000], expected a list of strictly increasing integers > 0, like [60000, 80000] or (60000, 80000)',
      ],
      [
        'SOLVER.STEPS',
        '(10, 10)',
        'SOLVER.STEPS: got [10,10], expected a list of strictly increasing integers > 0, like [60000, 80000] or (60000, 80000)',
      ],
      [
        'SOLVER.STEPS',
        'soon',
        'SOLVER.STEPS: got "soon", expected a list of strictly increasing integers > 0, like [60000, 80000] or (60000, 80000)',
      ],
      [
        'SOLVER.STEPS',
        [-1],
        'SOLVER.STEPS: got [-1], expected a list of strictly increasing integers > 0, like [60000, 80000] or (60000, 80000)',
      ],
      ['SOLVER.NUM_DECAYS', 0, 'SOLVER.NUM_DECAYS: got 0, expected an integer > 0'],
      ['SOLVER.WARMUP_FACTOR', -0.001, 'SOLVER.WARMUP_FACTOR: got -0.001, expected a finite number >= 0'],
      ['SOLVER.WARMUP_ITERS', 10.5, 'SOLVER.WARMUP_ITERS: got 10.5, expected an integer >= 0'],
      ['SOLVER.WARMUP_METHOD', 'cosine', 'SOLVER.WARMUP_METHOD: Unknown warmup method: cosine (expected one of linear, constant)'],
      ['SOLVER.RESCALE_INTERVAL', 1, 'SOLVER.RESCALE_INTERVAL: got 1, expected true or false'],
      ['SOLVER.CHECKPOINT_PERIOD', 0, 'SOLVER.CHECKPOINT_PERIOD: got 0, expected an integer > 0'],
      ['SOLVER.IMS_PER_BATCH', 0, 'SOLVER.IMS_PER_BATCH: got 0, expected an integer > 0'],
      ['SOLVER.REFERENCE_WORLD_SIZE', -1, 'SOLVER.REFERENCE_WORLD_SIZE: got -1, expected an integer >= 0'],
      ['SOLVER.REFERENCE_WORLD_SIZE', 1.5, 'SOLVER.REFERENCE_WORLD_SIZE: got 1.5, expected an integer >= 0'],
      ['SOLVER.BIAS_LR_FACTOR', -2, 'SOLVER.BIAS_LR_FACTOR: got -2, expected a finite number >= 0'],
      ['SOLVER.WEIGHT_DECAY_BIAS', 'same', 'SOLVER.WEIGHT_DECAY_BIAS: got "same", expected null or a finite number >= 0'],
      ['SOLVER.CLIP_GRADIENTS.ENABLED', 'on', 'SOLVER.CLIP_GRADIENTS.ENABLED: got "on", expected true or false'],
      [
        'SOLVER.CLIP_GRADIENTS.CLIP_TYPE',
        'global',
        'SOLVER.CLIP_GRADIENTS.CLIP_TYPE: Unknown gradient clipper type: global (expected one of value, norm, full_model)',
      ],
      ['SOLVER.CLIP_GRADIENTS.CLIP_VALUE', 0, 'SOLVER.CLIP_GRADIENTS.CLIP_VALUE: got 0, expected a finite number > 0'],
      ['SOLVER.CLIP_GRADIENTS.NORM_TYPE', 0.5, 'SOLVER.CLIP_GRADIENTS.NORM_TYPE: got 0.5, expected a number >= 1 or inf'],
      ['SOLVER.CLIP_GRADIENTS.NORM_TYPE', 'infinite', 'SOLVER.CLIP_GRADIENTS.NORM_TYPE: got "infinite", expected a number >= 1 or inf'],
      [
        'SOLVER.CLIP_GRADIENTS.NONFINITE',
        'ignore',
        'SOLVER.CLIP_GRADIENTS.NONFINITE: Unknown non-finite gradient policy: ignore (expected one of skip, error, none)',
      ],
      ['SOLVER.OPTIMIZER', 'RMSProp', 'SOLVER.OPTIMIZER: Unknown optimizer: RMSProp (expected one of SGD, AdamW, Adam, Lion)'],
      ['SOLVER.BETAS', [0.9], 'SOLVER.BETAS: got [0.9], expected null or two numbers in [0, 1), like [0.9, 0.999]'],
      ['SOLVER.BETAS', '(0.9, 1.0)', 'SOLVER.BETAS: got [0.9,1], expected null or two numbers in [0, 1), like [0.9, 0.999]'],
      ['SOLVER.EPS', 0, 'SOLVER.EPS: got 0, expected a finite number > 0'],
      ['SOLVER.POLY_LR_POWER', -1, 'SOLVER.POLY_LR_POWER: got -1, expected a finite number >= 0'],
      ['SOLVER.POLY_LR_CONSTANT_ENDING', -1, 'SOLVER.POLY_LR_CONSTANT_ENDING: got -1, expected a number in [0, 1]'],
      ['SOLVER.POLY_LR_CONSTANT_ENDING', 1.5, 'SOLVER.POLY_LR_CONSTANT_ENDING: got 1.5, expected a number in [0, 1]'],
      ['SOLVER.ALLOW_MAX_ITER_CHANGE', 'no', 'SOLVER.ALLOW_MAX_ITER_CHANGE: got "no", expected true or false'],
      ['TRAIN.BACKEND', 'webgl', 'TRAIN.BACKEND: Unknown backend: webgl (expected one of auto, tensorflow, wasm, cpu)'],
      ['TRAIN.LOG_PERIOD', 0, 'TRAIN.LOG_PERIOD: got 0, expected an integer > 0'],
      ['TRAIN.MAX_TO_KEEP', 0, 'TRAIN.MAX_TO_KEEP: got 0, expected an integer > 0'],
      ['TRAIN.EMA_ENABLED', 'true ', 'TRAIN.EMA_ENABLED: got "true ", expected true or false'],
      ['TRAIN.EMA_DECAY', 1, 'TRAIN.EMA_DECAY: got 1, expected a number in [0, 1)'],
      ['DEMO.NUM_SAMPLES', 0, 'DEMO.NUM_SAMPLES: got 0, expected an integer in [1, 8000]'],
      ['DEMO.NUM_SAMPLES', 8001, 'DEMO.NUM_SAMPLES: got 8001, expected an integer in [1, 8000]'],
      ['DEMO.HIDDEN_UNITS', -64, 'DEMO.HIDDEN_UNITS: got -64, expected an integer > 0'],
      ['OUTPUT_DIR', '', 'OUTPUT_DIR: got "", expected a non-empty string'],
      ['SEED', 0.5, 'SEED: got 0.5, expected an integer'],
    ])('%s = %p should fail with the key, value and rule', (path, value, expected) => {
      expect(messageOf(() => parseConfig(nested(path, value), 'bad.yaml'))).toBe(expected + src);
    });
  });

  describe('having a section that is not a mapping', () => {
    it('should say a mapping was expected', () => {
      expect(messageOf(() => parseConfig({ SOLVER: [1] }, 'bad.yaml'))).toBe('SOLVER: got [1], expected a mapping of keys (in bad.yaml)');
    });
  });

  describe('having several bad keys', () => {
    it('should report all of them on one line', () => {
      expect(messageOf(() => parseConfig({ SOLVER: { MAX_ITER: 0, GAMMA: 0 } }, 'bad.yaml'))).toBe(
        'SOLVER.MAX_ITER: got 0, expected an integer > 0 (in bad.yaml); SOLVER.GAMMA: got 0, expected a finite number > 0 (in bad.yaml)',
      );
    });
  });

  describe('having NESTEROV without momentum', () => {
    it('should name both keys and the rule', () => {
      expect(messageOf(() => parseConfig({ SOLVER: { NESTEROV: true, MOMENTUM: 0 } }, 'bad.yaml'))).toBe(
        'SOLVER.NESTEROV: got true with SOLVER.MOMENTUM 0, expected SOLVER.MOMENTUM > 0 (Nesterov momentum needs a momentum) (in bad.yaml)',
      );
    });
  });

  describe('having WarmupCosineLR', () => {
    it.each<[number, number]>([
      [0.01, 0.02],
      [0, 0],
    ])('with BASE_LR %p and BASE_LR_END %p should refuse a ratio outside [0, 1]', (baseLr, end) => {
      const data = { SOLVER: { LR_SCHEDULER_NAME: 'WarmupCosineLR', BASE_LR: baseLr, BASE_LR_END: end } };
      expect(messageOf(() => parseConfig(data, 'bad.yaml'))).toBe(
        `SOLVER.BASE_LR_END: got ${end} with SOLVER.BASE_LR ${baseLr}, expected SOLVER.BASE_LR_END / SOLVER.BASE_LR in [0, 1] for WarmupCosineLR (in bad.yaml)`,
      );
    });

    it.each([0, 0.02])('should accept BASE_LR_END %p with BASE_LR 0.02 (ratio 0 and 1)', (end) => {
      const data = { SOLVER: { LR_SCHEDULER_NAME: 'WarmupCosineLR', BASE_LR: 0.02, BASE_LR_END: end } };
      expect(parseConfig(data).SOLVER.BASE_LR_END).toBe(end);
    });
  });

  describe('having a ratio above 1 under another scheduler', () => {
    it('should not apply the cosine rule', () => {
      expect(parseConfig({ SOLVER: { BASE_LR: 0.01, BASE_LR_END: 0.02 } }).SOLVER.BASE_LR_END).toBe(0.02);
    });
  });

  describe('having NORM_TYPE written as inf', () => {
    it.each(['inf', 'Inf', '.inf', 'Infinity', Infinity])('%p should read as Infinity', (value) => {
      expect(parseConfig(nested('SOLVER.CLIP_GRADIENTS.NORM_TYPE', value)).SOLVER.CLIP_GRADIENTS.NORM_TYPE).toBe(Infinity);
    });
  });

  describe('having tuples where lists are expected', () => {
    it('should read (1500,) as [1500], () as [] and (0.8, 0.99) as BETAS', () => {
      expect(parseConfig(nested('SOLVER.STEPS', '(1500,)')).SOLVER.STEPS).toEqual([1500]);
      expect(parseConfig(nested('SOLVER.STEPS', '()')).SOLVER.STEPS).toEqual([]);
      expect(parseConfig(nested('SOLVER.BETAS', '(0.8, 0.99)')).SOLVER.BETAS).toEqual([0.8, 0.99]);
    });
  });

  describe('having unknown keys', () => {
    it.each<[Record<string, unknown>, string]>([
      [{ SOLVER: { BASE_LRR: 1 } }, 'SOLVER.BASE_LRR: unknown key in bad.yaml (did you mean SOLVER.BASE_LR?)'],
      [{ SOLVER: { base_lr: 1 } }, 'SOLVER.base_lr: unknown key in bad.yaml (did you mean SOLVER.BASE_LR?)'],
      [
        { SOLVER: { CLIP_GRADIENTS: { NORM_TYP: 2 } } },
        'SOLVER.CLIP_GRADIENTS.NORM_TYP: unknown key in bad.yaml (did you mean SOLVER.CLIP_GRADIENTS.NORM_TYPE?)',
      ],
      [{ TRAIN: { LOG_PERIOUD: 5 } }, 'TRAIN.LOG_PERIOUD: unknown key in bad.yaml (did you mean TRAIN.LOG_PERIOD?)'],
      [{ DEMO: { WIDTH: 5 } }, 'DEMO.WIDTH: unknown key in bad.yaml (expected one of DEMO.MODEL, DEMO.NUM_SAMPLES, DEMO.HIDDEN_UNITS)'],
      [{ SOLVR: { BASE_LR: 1 } }, 'SOLVR: unknown key in bad.yaml (did you mean SOLVER?)'],
      [{ SEEDS: 1 }, 'SEEDS: unknown key in bad.yaml (did you mean SEED?)'],
    ])('%p should be an error naming the key path and file', (data, expected) => {
      expect(messageOf(() => parseConfig(data, 'bad.yaml'))).toBe(expected);
    });
  });

  describe('having sections of other tools', () => {
    it('should drop them with one warning listing them all, SOLVER.AMP included', () => {
      const warnings: string[] = [];
      const logger = { info: () => undefined, warn: (message: string) => warnings.push(message) };
      const data = { MODEL: { WEIGHTS: 'x' }, DATASETS: {}, CUDNN_BENCHMARK: true, SOLVER: { AMP: { ENABLED: true } }, EXTRA_TOOL: 1 };
      const config = parseConfig(data, 'd2.yaml', ['TEST.EVAL_PERIOD', '5000'], { logger });
      expect(warnings).toEqual([
        'ignored keys that belong to other tools: MODEL, DATASETS, CUDNN_BENCHMARK, SOLVER.AMP, EXTRA_TOOL, TEST (in d2.yaml, --opts)',
      ]);
      expect(Object.keys(config)).toEqual(['SOLVER', 'TRAIN', 'DEMO', 'OUTPUT_DIR', 'SEED']);
    });

    it('should not warn when there are none', () => {
      const warnings: string[] = [];
      parseConfig({ SOLVER: {} }, 'a', [], { logger: { info: () => undefined, warn: (m: string) => warnings.push(m) } });
      expect(warnings).toEqual([]);
    });
  });

  describe('having refused keys', () => {
    it.each<[string, Record<string, unknown>, string]>([
      ['__proto__', JSON.parse('{"SOLVER": {"__proto__": {"BASE_LR": 1}}}') as Record<string, unknown>, 'SOLVER.__proto__'],
      ['constructor', { MODEL: { constructor: 1 } }, 'MODEL.constructor'],
      ['prototype', { prototype: 1 }, 'prototype'],
    ])('%s anywhere should be an error naming its path', (_name, data, path) => {
      expect(messageOf(() => parseConfig(data, 'evil.yaml'))).toBe(
        `${path}: key refused in evil.yaml (__proto__, constructor and prototype are never config keys)`,
      );
      expect(({} as Record<string, unknown>).BASE_LR).toBeUndefined();
    });
  });

  describe('having _BASE_', () => {
    it('should refuse it and point to loadConfig', () => {
      expect(messageOf(() => parseConfig({ _BASE_: 'a.yaml' }, 'inline'))).toBe(
        '_BASE_: not supported by parseConfig (in inline); use loadConfig with a reader',
      );
    });
  });

  describe('having data that is not a mapping', () => {
    it('should say a mapping was expected', () => {
      expect(messageOf(() => parseConfig(42, 'inline'))).toBe('inline: got 42, expected a mapping of config keys at the top level');
    });
  });
});
