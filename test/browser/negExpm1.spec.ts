import { describe, expect, it } from '@jest/globals';
import { adamUniforms, negExpm1Terms } from '../../src/optim/kernels/gpu.js';

/**
 * The GPU Adam programs compute the bias corrections `1 − β^t` as `−expm1(t·ln β)` with a nine-term
 * series near 0; `negExpm1Terms` is the same arithmetic in JavaScript. Checked here against
 * `Math.expm1` (the shaders themselves run in the browser test).
 */
describe('negExpm1Terms (the shaders’ 1 − e^x)', () => {
  it.each([-1e-8, -1e-3, -0.0010005, -0.01, -0.1, -0.3, -0.4999, -0.5, -0.7, -2, -30])(
    'should equal −expm1(%p) within 1e-12 relative',
    (x) => {
      const want = -Math.expm1(x);
      expect(Math.abs(negExpm1Terms(x) - want)).toBeLessThanOrEqual(1e-9 * want);
    },
  );

  it('should give the bias corrections of β2 = 0.999 at steps 1, 10, 1000 (PyTorch: 1 − β^t)', () => {
    const { lnBeta2 } = adamUniforms({ count: 1, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: true });
    for (const t of [1, 10, 1000]) {
      const want = 1 - Math.pow(0.999, t);
      expect(Math.abs(negExpm1Terms(t * lnBeta2) - want)).toBeLessThanOrEqual(1e-12 * want);
    }
  });

  it('should keep β = 0 finite: ln 0 is clamped, 1 − 0^t = 1', () => {
    const { lnBeta1 } = adamUniforms({ count: 1, lr: 1e-3, beta1: 0, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false });
    expect(lnBeta1).toBe(-80);
    expect(negExpm1Terms(1 * lnBeta1)).toBe(1);
  });
});
