import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { adamGroupUpdateOps, fusedAdamGroupUpdate } from '../../../src/optim/adam.js';
import { SGD_GROUP_KERNEL } from '../../../src/optim/kernels/shared.js';
import { selectGroupUpdates } from '../../../src/optim/rule.js';
import { fusedSgdGroupUpdate, sgdGroupUpdateOps } from '../../../src/optim/sgd.js';

describe('selectGroupUpdates with fused kernels', () => {
  describe.each(['cpu', 'wasm', 'webgl', 'webgpu'])('when the backend is %s', (backendName) => {
    it('should pick the fused updates and make sure their kernels are registered', () => {
      if ((tf.getKernel(SGD_GROUP_KERNEL, backendName) as tf.KernelConfig | undefined) !== undefined) {
        tf.unregisterKernel(SGD_GROUP_KERNEL, backendName);
      }
      expect(selectGroupUpdates(backendName)).toEqual({ sgd: fusedSgdGroupUpdate, adam: fusedAdamGroupUpdate });
      expect(tf.getKernel(SGD_GROUP_KERNEL, backendName) as tf.KernelConfig | undefined).toBeDefined();
    });
  });

  describe.each(['tensorflow'])('when the backend is %s', (backendName) => {
    it('should pick the plain-ops updates', () => {
      expect(selectGroupUpdates(backendName)).toEqual({ sgd: sgdGroupUpdateOps, adam: adamGroupUpdateOps });
    });
  });
});
