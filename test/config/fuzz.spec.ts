import { describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../src/config/load.js';
import { type SolverConfig, validateConfig } from '../../src/config/schema.js';
import { loadConfig, loadConfigText } from '../../src/config/yaml.js';
import { SolverError } from '../../src/errors.js';
import { memoryTextFileReader } from '../../src/io/interfaces.js';

// A seeded fuzz of the config loader: 2,400 generated inputs (mutations of valid configs, YAML
// oddities, wrong types, huge numbers, prototype keys, broken overrides). Every one must end in
// a valid config or a SolverError, quickly, and leave Object.prototype untouched.

const SEED = 20261129;
const CASES = 2400;

/** mulberry32: a small seeded generator, so a failing case can be replayed by its index. */
function generator(seed: number): () => number {
  let state: number = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t: number = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = generator(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const int = (n: number): number => Math.floor(random() * n);

const SOLVER_KEYS: readonly string[] = [
  'LR_SCHEDULER_NAME',
  'MAX_ITER',
  'BASE_LR',
  'BASE_LR_END',
  'MOMENTUM',
  'NESTEROV',
  'WEIGHT_DECAY',
  'GAMMA',
  'STEPS',
  'NUM_DECAYS',
  'WARMUP_FACTOR',
  'WARMUP_ITERS',
  'WARMUP_METHOD',
  'RESCALE_INTERVAL',
  'WEIGHT_DECAY_BIAS',
  'OPTIMIZER',
  'BETAS',
  'EPS',
  'POLY_LR_POWER',
  'POLY_LR_CONSTANT_ENDING',
];

/** Valid values per key (as YAML text), and a pool of wrong or odd ones for any key. */
const GOOD: Readonly<Record<string, readonly string[]>> = {
  LR_SCHEDULER_NAME: ['WarmupMultiStepLR', 'WarmupCosineLR', 'WarmupStepWithFixedGammaLR', 'WarmupPolyLR'],
  MAX_ITER: ['100', '40000', '1000000000'],
  BASE_LR: ['0.1', '1e-3', '0.02'],
  BASE_LR_END: ['0.0', '1e-5'],
  MOMENTUM: ['0.9', '0'],
  NESTEROV: ['true', 'false'],
  WEIGHT_DECAY: ['1e-4', '0'],
  GAMMA: ['0.1', '0.5'],
  STEPS: ['(30,)', '[60, 80]', '(60000, 80000)', '[]'],
  NUM_DECAYS: ['3', '1'],
  WARMUP_FACTOR: ['0.001', '1.0'],
  WARMUP_ITERS: ['0', '10', '1000'],
  WARMUP_METHOD: ['linear', 'constant'],
  RESCALE_INTERVAL: ['false', 'true'],
  WEIGHT_DECAY_BIAS: ['null', '0.0'],
  OPTIMIZER: ['SGD', 'AdamW', 'Adam'],
  BETAS: ['[0.9, 0.999]', '(0.8, 0.99)'],
  EPS: ['1e-8'],
  POLY_LR_POWER: ['0.9'],
  POLY_LR_CONSTANT_ENDING: ['0.0', '0.5'],
};
const ODD: readonly string[] = [
  '-1',
  '0',
  '1e308',
  '-1e308',
  '1e400',
  '9007199254740993',
  '.inf',
  '-.inf',
  '.nan',
  '0x1F',
  '0o17',
  '"0.1"',
  "'text'",
  'yes',
  'null',
  '~',
  '[]',
  '{}',
  '[1, [2, [3]]]',
  '{a: 1}',
  '(1, 2, 3)',
  '(,)',
  '()',
  '!!merge x',
  '!!binary aGVsbG8=',
  '!!set {a, b}',
  '!!timestamp 2001-12-14',
  '!!str 5',
  '!!int "7"',
  '!!float 1',
  '!!map {a: 1}',
  '!custom 1',
  '&x 1',
  '*nowhere',
  '"\\u0000"',
  `"${'z'.repeat(5000)}"`,
  `[${Array.from({ length: 2000 }, (_v, k: number) => k).join(', ')}]`,
  '|\n    block text',
  '>-\n    folded',
];
const PROTO_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype', '"__proto__"', "'constructor'"];
const TOP_LINES: readonly string[] = [
  '_BASE_: other.yaml',
  '_BASE_: 5',
  'MODEL:\n  WEIGHTS: x.pkl',
  'VERSION: 2',
  'SOLVR:\n  BASE_LR: 1',
  'OUTPUT_DIR: ""',
  'OUTPUT_DIR: ./out',
  'SEED: 0.5',
  'SEED: 42',
  'TRAIN:\n  BACKEND: webgl',
  'TRAIN:\n  EMA_DECAY: 1',
  'DEMO:\n  NUM_SAMPLES: 10',
  '<<: {SEED: 1}',
  'a: &a [*a]',
  'b: &b {c: *b}',
  '? [complex, key]\n: 1',
  '---\nSEED: 1\n---\nSEED: 2',
  '%YAML 1.1\n---\nSEED: 1',
  '\t SEED: 1',
  '\uFEFFSEED: 1',
  `${'['.repeat(40)}${']'.repeat(40)}`,
];

/** A valid SOLVER block (as YAML lines), on which mutations are made. */
function validSolverLines(): string[] {
  const lines: string[] = ['SOLVER:'];
  for (const key of SOLVER_KEYS) if (random() < 0.5) lines.push(`  ${key}: ${pick(GOOD[key] ?? ['0'])}`);
  return lines;
}

function mutate(lines: string[]): string {
  const kind: number = int(11);
  if (kind >= 9) return lines.join('\n');
  const at: number = 1 + int(Math.max(1, lines.length - 1));
  const key: string = pick(SOLVER_KEYS);
  switch (kind) {
    case 0:
      lines.splice(at, 0, `  ${key}: ${pick(ODD)}`);
      break;
    case 1:
      lines.splice(at, 0, `  ${pick(PROTO_KEYS)}: ${pick(ODD)}`);
      break;
    case 2:
      lines.push(pick(TOP_LINES));
      break;
    case 3:
      lines.push(`${pick(PROTO_KEYS)}:\n  polluted: true`);
      break;
    case 4:
      lines.splice(at, 0, `  ${key}: ${pick(GOOD[key] ?? ['0'])}`, `  ${key}: ${pick(GOOD[key] ?? ['0'])}`);
      break;
    case 5:
      lines.push(
        `  CLIP_GRADIENTS:\n    ${pick(['ENABLED', 'CLIP_TYPE', 'NORM_TYPE', 'NONFINITE', '__proto__'])}: ${pick([...ODD, 'inf', 'norm'])}`,
      );
      break;
    default: {
      // Character-level damage: delete, duplicate or insert a YAML-significant character.
      const text: string = lines.join('\n');
      const i: number = int(text.length + 1);
      const damage: string = pick([
        '',
        ':',
        '-',
        '[',
        ']',
        '{',
        '}',
        '&',
        '*',
        '!',
        '|',
        '>',
        '#',
        '"',
        "'",
        '\t',
        '\n',
        ' ',
        '%',
        '@',
        '`',
      ]);
      return int(2) === 0 ? text.slice(0, i) + damage + text.slice(i) : text.slice(0, i) + text.slice(i + 1 + int(5));
    }
  }
  return lines.join('\n');
}

function overrides(): string[] {
  if (random() < 0.7) return [];
  const pairs: string[] = [];
  const count: number = 1 + int(3);
  for (let k = 0; k < count; k += 1) {
    pairs.push(pick([`SOLVER.${pick(SOLVER_KEYS)}`, 'SOLVER.__proto__.x', 'SOLVER..BASE_LR', '__proto__', 'SEED', 'MODEL.X']));
    pairs.push(pick([...ODD, '[1, 2', '{a: 1}', '"unclosed', '(1500,)']));
  }
  if (random() < 0.1) pairs.pop();
  return pairs;
}

/** A plain-object config with odd values (what parseConfig gets from JavaScript). */
function objectConfig(): unknown {
  const solver: Record<string, unknown> = {};
  const odd: readonly unknown[] = [
    NaN,
    Infinity,
    -0,
    2 ** 53 + 2,
    1e308,
    '1',
    true,
    null,
    undefined,
    [],
    {},
    [1, 'a'],
    Symbol('s'),
    10n,
    () => 1,
    new Date(0),
    new Map(),
    /x/,
  ];
  for (const key of SOLVER_KEYS)
    if (random() < 0.3) solver[key] = random() < 0.5 ? pick(odd) : Number(pick(GOOD[key] ?? ['0'])) || pick(GOOD[key] ?? ['0']);
  const data: Record<string, unknown> = { SOLVER: solver };
  if (random() < 0.2) Object.defineProperty(solver, '__proto__', { value: { polluted: true }, enumerable: true });
  if (random() < 0.1) data.SOLVER = [solver];
  if (random() < 0.1) {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    data.MODEL = cycle;
  }
  return data;
}

type Outcome = { readonly kind: 'config'; readonly config: SolverConfig } | { readonly kind: 'error'; readonly error: unknown };

async function runCase(index: number): Promise<Outcome> {
  try {
    const mode: number = index % 4;
    if (mode === 3) return { kind: 'config', config: parseConfig(objectConfig(), 'object', overrides()) };
    const text: string = mutate(validSolverLines());
    if (mode === 2) {
      const reader = memoryTextFileReader({ 'main.yaml': text, 'other.yaml': mutate(validSolverLines()) });
      return { kind: 'config', config: await loadConfig('main.yaml', overrides(), { reader }) };
    }
    return { kind: 'config', config: loadConfigText(text, 'fuzz.yaml', overrides()) };
  } catch (error: unknown) {
    return { kind: 'error', error };
  }
}

describe('the config loader under fuzzing', () => {
  it(`should turn each of ${CASES} generated inputs into a valid config or a SolverError, quickly, without touching Object.prototype`, async () => {
    const prototypeKeys: string[] = Object.getOwnPropertyNames(Object.prototype).sort();
    const others: string[] = [];
    let configs = 0;
    let slowest = 0;
    const started: number = performance.now();
    for (let index = 0; index < CASES; index += 1) {
      const caseStarted: number = performance.now();
      const outcome: Outcome = await runCase(index);
      slowest = Math.max(slowest, performance.now() - caseStarted);
      if (outcome.kind === 'config') {
        configs += 1;
        // Valid: frozen, and validating it again gives the same config.
        expect(Object.isFrozen(outcome.config.SOLVER)).toBe(true);
        expect(validateConfig({ data: outcome.config, origins: new Map() })).toEqual(outcome.config);
      } else if (!SolverError.is(outcome.error) || !['config', 'io'].includes(outcome.error.kind)) {
        others.push(`case ${index}: ${String(outcome.error)}`);
      } else {
        expect(outcome.error.message.length).toBeLessThan(2100);
      }
    }
    expect(others).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Both outcomes occur (the generator is not trivially all-valid or all-broken).
    expect(configs).toBeGreaterThan(CASES / 20);
    expect(configs).toBeLessThan(CASES);
    expect(slowest).toBeLessThan(2000);
    expect(performance.now() - started).toBeLessThan(20000);
  }, 60000);
});
