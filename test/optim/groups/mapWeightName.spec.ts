import { describe, expect, it } from '@jest/globals';
import { mapWeightName } from '../../../src/optim/groups.js';

describe(mapWeightName, () => {
  describe('when given tfjs weight names', () => {
    it.each([
      ['dense_1/kernel', 'weight'],
      ['conv/depthwise_kernel', 'weight'],
      ['sep/pointwise_kernel', 'weight'],
      ['lstm/recurrent_kernel', 'weight'],
      ['emb/embeddings', 'weight'],
      ['bn/gamma', 'weight'],
      ['dense_1/bias', 'bias'],
      ['bn/beta', 'bias'],
      ['dense_1/kernel_1', 'weight'],
      ['outer/inner/bias_2', 'bias'],
    ])('should map %s to %s (SPEC §2)', (name, expected) => {
      expect(mapWeightName(name)).toBe(expected);
    });
  });

  describe('when given a name without a mapping', () => {
    it('should keep the short name as is', () => {
      expect(mapWeightName('attn/pos_table_3')).toBe('pos_table_3');
      expect(mapWeightName('weight')).toBe('weight');
    });
  });
});
