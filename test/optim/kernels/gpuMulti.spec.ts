import { describe, expect, it } from '@jest/globals';
import type { TensorInfo } from '@tensorflow/tfjs';
import { adamUniforms } from '../../../src/optim/kernels/gpu.js';
import { adamMulti, floatLiteral, lionMulti, type ShaderLanguage, sgdMulti } from '../../../src/optim/kernels/gpuMulti.js';

// The GPU programs themselves run in the browser test (test/browser); these check what decides
// whether one program writes a parameter and its state, and the literals written into shaders.

const info = (name: string): TensorInfo => ({ dataId: { name }, shape: [2, 3], dtype: 'float32' });
const [p, g, m, v, b, control, total] = [info('p'), info('g'), info('m'), info('v'), info('b'), info('control'), info('total')];
const hyper = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05, decoupled: true, count: 1, steps: [3] };

/** A language that spells every construct, to read which entries an update body uses. */
const SPELLED: ShaderLanguage = {
  decl: (name, expr) => `${name}=${expr};`,
  read: (name) => `read(${name})`,
  uniform: (name) => `u(${name})`,
  pick: (cond, a, c) => `pick(${cond},${a},${c})`,
  write: (k, expr) => `out${k}=${expr};`,
  control: (entry) => `ctl(${entry})`,
};

describe('floatLiteral', () => {
  it('should give a literal that parses back to the same float32, with a decimal point', () => {
    for (const x of [0.9, 0.999, 1e-8, 1 - 0.999, 0.1, 1, 2, 1234567, -0.5, 3.4e38]) {
      const s = floatLiteral(x);
      expect([x, /[.e]/.test(s)]).toEqual([x, true]);
      expect([x, Math.fround(Number(s))]).toEqual([x, Math.fround(x)]);
    }
  });
});

describe('the one-program updates', () => {
  it('should write p, m and v for Adam, reading the bias corrections from the control only when asked', () => {
    const u = adamUniforms(hyper, 3);
    const withBias = adamMulti({ p, g, m, v, control, total }, u, true);
    const hostOnes = adamMulti({ p, g, m, v, control }, u, false);
    expect(withBias?.outputs).toBe(3);
    expect(withBias?.reads.map(([n]) => n)).toEqual(['P', 'G', 'M', 'V']);
    expect(withBias?.body(SPELLED)).toContain('ctl(bc1)');
    expect(hostOnes?.body(SPELLED)).not.toContain('ctl(bc1)');
    expect(hostOnes?.uniforms.stepSize).toBeCloseTo(0.01 / (1 - 0.9 ** 3), 12);
    expect(withBias?.key).not.toBe(hostOnes?.key);
  });

  it('should leave to one program per output an Adam step whose host count may lag a skipped step', () => {
    expect(adamMulti({ p, g, m, v, control, total }, adamUniforms(hyper, 3), false)).toBeNull();
  });

  it('should not read a control tensor when there is none (no clipping, no guard)', () => {
    const free = adamMulti({ p, g, m, v }, adamUniforms(hyper, 1), false);
    expect(free?.control).toBeUndefined();
    expect(free?.body(SPELLED)).not.toContain('ctl(');
  });

  it('should write p and the buffer for SGD with momentum, and nothing without one', () => {
    const a = { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0 };
    expect(sgdMulti({ p, g, b, control }, a)?.outputs).toBe(2);
    expect(sgdMulti({ p, g, b, control }, a)?.body(SPELLED)).toContain('d + mu * b');
    expect(sgdMulti({ p, g, control }, a)).toBeNull();
  });

  it('should write p and m for Lion, keeping the old values when the step does not apply', () => {
    const u = { lr: 1e-4, beta1: 0.9, oneMinusBeta1: 0.1, beta2: 0.99, oneMinusBeta2: 0.01, decayMul: 1 };
    const body = lionMulti({ p, g, m, control }, u).body(SPELLED);
    expect(body).toContain('out0=pick(ctl(apply) != 0.0,next,p);');
    expect(body).toContain('out1=pick(ctl(apply) != 0.0,beta2 * m0 + oneMinusBeta2 * d,m0);');
  });
});
