import { describe, expect, it } from '@jest/globals';

describe('examples/paramGroups.ts', () => {
  describe('when run', () => {
    it('should give the four groups its comment states (decay norm 0, bias LR ×2, gamma override)', async () => {
      const example = await import('../../examples/paramGroups.js');
      expect(example.named).toEqual([
        { lr: 0.1, weightDecay: 1e-4, params: ['fc1/kernel', 'head/kernel'] },
        { lr: 0.1 * 2, weightDecay: 1e-4, params: ['fc1/bias', 'head/bias'] },
        { lr: 0.05, weightDecay: 0, params: ['bn1/gamma'] },
        { lr: 0.1 * 2, weightDecay: 0, params: ['bn1/beta'] },
      ]);
      expect(example.optimizerGroups).toEqual(example.named.map((g) => ({ lr: g.lr, weightDecay: g.weightDecay })));
    });
  });
});
