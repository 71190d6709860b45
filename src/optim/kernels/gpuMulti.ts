import type { TensorInfo } from '@tensorflow/tfjs';
import { SolverError } from '../../errors.js';
import type { SgdGroupAttrs } from '../sgd.js';
import type { AdamUniforms, LionUniforms, UpdateInputs } from './gpu.js';

/**
 * Update programs that write several tensors at once (the new parameter and its new slots) on the
 * GPU backends. tfjs runs one output per program, so a one-output Adam step is three programs per
 * parameter, each reading the gradient again; here one program per parameter reads p, g and the
 * slots once and writes all of them: on webgl a fragment shader with several render targets, on
 * webgpu a compute shader with several storage buffers, both compiled here from our own source
 * and recorded the way the backend records its own programs, into the backend's textures and
 * buffers. When a call cannot run this way (textures in another layout, a timing profiler
 * active, a backend that is not the 4.22 one these were written for) it returns null and the
 * caller runs one program per output, which gives the same numbers.
 */

/** How an update body reads, picks and writes in one shading language. */
export interface ShaderLanguage {
  /** A value named `name`: `float` (scalar) or one element group of the program. */
  decl(name: string, expr: string, scalar?: boolean): string;
  /** Input `name` at this invocation's element(s). */
  read(name: string): string;
  /** A per-call number. */
  uniform(name: string): string;
  /** `cond ? a : b`. */
  pick(cond: string, a: string, b: string): string;
  /** Output `k` gets `expr`. */
  write(k: number, expr: string): string;
  /** The control tensor's entries: clip scale, apply flag, Adam's `1/(1 − β1^t)` and `1/√(1 − β2^t)`. */
  control(entry: 'scale' | 'apply' | 'bc1' | 'ib'): string;
}

/** One fused update for one parameter: its inputs, numbers, outputs and body. */
export interface MultiUpdate {
  /** Names everything written into the source (with the constants' values, the backend adds layout). */
  readonly key: string;
  /** Inputs by the name the body reads, all of the parameter's shape. */
  readonly reads: readonly (readonly [string, TensorInfo])[];
  /** The control tensor (scale, apply, …), or undefined: no clipping and no guard. */
  readonly control: TensorInfo | undefined;
  /** Numbers set on every call, by name. */
  readonly uniforms: Readonly<Record<string, number>>;
  /** Numbers constant for the optimizer's life, written into the source. */
  readonly constants: Readonly<Record<string, number>>;
  /** How many tensors the program writes (outputs 0 … n−1, in the kernel's order). */
  readonly outputs: number;
  body(l: ShaderLanguage): string;
}

/** Runs a {@link MultiUpdate}; null when this call cannot run as one program. */
export type MultiRunner = (update: MultiUpdate) => TensorInfo[] | null;

/**
 * `x` rounded to float32, as a literal GLSL and WGSL both parse back to exactly that float32 (9
 * significant digits, always with a decimal point or exponent). Every number written into a
 * shader's source goes through it.
 */
export function floatLiteral(x: number): string {
  const s = Math.fround(x).toPrecision(9);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

const word = (n: string): RegExp => new RegExp(`\\b${n}\\b`, 'g');

/** Whether shader `code` uses the identifier `name`. */
export function mentions(code: string, name: string): boolean {
  return word(name).test(code);
}

/** Constants written into `code` as literals (the key carries their values). */
export function withConstants(code: string, constants: Readonly<Record<string, number>>): string {
  return Object.entries(constants).reduce((c, [n, x]) => c.replace(word(n), floatLiteral(x)), code);
}

function controlReads(inputs: UpdateInputs): {
  scale: (l: ShaderLanguage) => string;
  apply: (l: ShaderLanguage, a: string, b: string) => string;
} {
  if (inputs.control === undefined) return { scale: () => '', apply: (_, a) => a };
  return { scale: (l) => ` * ${l.control('scale')}`, apply: (l, a, b) => l.pick(`${l.control('apply')} != 0.0`, a, b) };
}

/**
 * Adam/AdamW writing p, m, v in one program, PyTorch's formulas as the one-output programs compute
 * them. With `bias`, the step size and `1/√(1 − β2^t)` come from the control tensor. Null for the
 * case the one-output programs handle alone: a skipped step the host has not read back yet.
 */
export function adamMulti(inputs: UpdateInputs, u: AdamUniforms, bias: boolean): MultiUpdate | null {
  const { m, v } = inputs;
  if (m === undefined || v === undefined) throw new SolverError('argument', 'fused Adam program: inputs m and v are required');
  if (!bias && inputs.total !== undefined) return null;
  const c = controlReads(inputs);
  const coupled = u.coupledWd !== 0;
  return {
    key: `adam_${coupled ? 'coupled' : 'decoupled'}_${inputs.control === undefined ? 'free' : 'ctl'}${bias ? '_bias' : ''}`,
    reads: [
      ['P', inputs.p],
      ['G', inputs.g],
      ['M', m],
      ['V', v],
    ],
    control: inputs.control,
    // With `bias` the step size and 1/√(1 − β2^t) come from the control tensor, else from the host.
    uniforms: {
      ...(bias ? { lr: u.lr } : { stepSize: u.stepSize, invSqrtBc2: u.invSqrtBc2 }),
      decayMul: u.decayMul,
      ...(coupled ? { coupledWd: u.coupledWd } : {}),
    },
    constants: { beta1: u.beta1, oneMinusBeta1: u.oneMinusBeta1, beta2: u.beta2, oneMinusBeta2: u.oneMinusBeta2, eps: u.eps },
    outputs: 3,
    body: (l) =>
      [
        l.decl('p', l.read('P')),
        l.decl('d', `${l.read('G')}${c.scale(l)}${coupled ? ` + ${l.uniform('coupledWd')} * p` : ''}`),
        l.decl('m0', l.read('M')),
        l.decl('v0', l.read('V')),
        l.decl('m', 'beta1 * m0 + oneMinusBeta1 * d'),
        l.decl('v', 'beta2 * v0 + oneMinusBeta2 * (d * d)'),
        l.decl('ss', bias ? `${l.uniform('lr')} * ${l.control('bc1')}` : l.uniform('stepSize'), true),
        l.decl('ib', bias ? l.control('ib') : l.uniform('invSqrtBc2'), true),
        l.decl('next', `${l.uniform('decayMul')} * p - ss * m / (sqrt(v) * ib + eps)`),
        l.write(0, c.apply(l, 'next', 'p')),
        l.write(1, c.apply(l, 'm', 'm0')),
        l.write(2, c.apply(l, 'v', 'v0')),
      ].join('\n  '),
  };
}

/** SGD with a momentum buffer writing p and b in one program (PyTorch's, dampening 0); null without a buffer. */
export function sgdMulti(inputs: UpdateInputs, a: Pick<SgdGroupAttrs, 'lr' | 'momentum' | 'nesterov' | 'weightDecay'>): MultiUpdate | null {
  const b = inputs.b;
  if (b === undefined) return null;
  const c = controlReads(inputs);
  const decay = a.weightDecay !== 0;
  return {
    key: `sgd_${a.nesterov ? 'nesterov' : 'plain'}_${decay ? 'wd' : 'nowd'}_${inputs.control === undefined ? 'free' : 'ctl'}`,
    reads: [
      ['P', inputs.p],
      ['G', inputs.g],
      ['B', b],
    ],
    control: inputs.control,
    uniforms: { lr: a.lr, ...(decay ? { wd: a.weightDecay } : {}) },
    constants: { mu: a.momentum },
    outputs: 2,
    body: (l) =>
      [
        l.decl('p', l.read('P')),
        l.decl('d', `${l.read('G')}${c.scale(l)}${decay ? ` + ${l.uniform('wd')} * p` : ''}`),
        l.decl('b0', l.read('B')),
        l.decl('b', 'mu * b0 + d'),
        l.decl('next', `p - ${l.uniform('lr')} * (${a.nesterov ? 'd + mu * b' : 'b'})`),
        l.write(0, c.apply(l, 'next', 'p')),
        l.write(1, c.apply(l, 'b', 'b0')),
      ].join('\n  '),
  };
}

/** Lion writing p and m in one program. */
export function lionMulti(inputs: UpdateInputs, u: LionUniforms): MultiUpdate {
  const m = inputs.m;
  if (m === undefined) throw new SolverError('argument', 'fused Lion program: input m is required');
  const c = controlReads(inputs);
  return {
    key: `lion_${inputs.control === undefined ? 'free' : 'ctl'}`,
    reads: [
      ['P', inputs.p],
      ['G', inputs.g],
      ['M', m],
    ],
    control: inputs.control,
    uniforms: { lr: u.lr, decayMul: u.decayMul },
    constants: { beta1: u.beta1, oneMinusBeta1: u.oneMinusBeta1, beta2: u.beta2, oneMinusBeta2: u.oneMinusBeta2 },
    outputs: 2,
    body: (l) =>
      [
        l.decl('p', l.read('P')),
        l.decl('d', `${l.read('G')}${c.scale(l)}`),
        l.decl('m0', l.read('M')),
        l.decl('next', `${l.uniform('decayMul')} * p - ${l.uniform('lr')} * sign(beta1 * m0 + oneMinusBeta1 * d)`),
        l.write(0, c.apply(l, 'next', 'p')),
        l.write(1, c.apply(l, 'beta2 * m0 + oneMinusBeta2 * d', 'm0')),
      ].join('\n  '),
  };
}
