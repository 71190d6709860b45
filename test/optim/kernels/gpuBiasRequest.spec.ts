import { describe, expect, it } from '@jest/globals';
import { biasRequest } from '../../../src/optim/clip.js';

// Which steps let the GPU step-control kernel compute Adam's bias corrections once for all
// parameters: only a rule with betas, and only when every parameter steps at the same number
// (the parameters' own programs then read them instead of computing powers per element).
describe('biasRequest', () => {
  const adam = { beta1: 0.9, beta2: 0.999, eps: 1e-8, decoupled: true };

  it('should request the corrections for step t when every parameter steps at t', () => {
    expect(biasRequest(adam, [7, 7, 7])).toEqual({ beta1: 0.9, beta2: 0.999, t: 7 });
  });

  it('should request nothing when the parameters step at different numbers', () => {
    expect(biasRequest(adam, [7, 6, 7])).toBeUndefined();
  });

  it('should request nothing for a rule without betas (SGD) or for no parameters', () => {
    expect(biasRequest({ momentum: 0.9, nesterov: false }, [3, 3])).toBeUndefined();
    expect(biasRequest(adam, [])).toBeUndefined();
  });
});
