import { describe, expect, it } from '@jest/globals';

describe('examples/resumeTraining.ts', () => {
  describe('when run', () => {
    it('should resume at iteration 8 and end bit-identical to the run that never stopped', async () => {
      const example = await import('../../examples/resumeTraining.js');
      expect(example.resumedAt).toBe(8);
      expect(example.bitIdentical).toBe(true);
    });
  });
});
