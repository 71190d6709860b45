import { describe, expect, it } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { fusedAdamGroupUpdate } from '../../../src/optim/kernels/fusedAdamGroupUpdate.js';
import { fusedSgdGroupUpdate } from '../../../src/optim/kernels/fusedSgdGroupUpdate.js';
import { SGD_GROUP_KERNEL } from '../../../src/optim/kernels/kernelNames.js';
import { adamGroupUpdateOps } from '../../../src/optim/updates/adamGroupUpdateOps.js';
import { selectGroupUpdates } from '../../../src/optim/updates/selectGroupUpdates.js';
import { sgdGroupUpdateOps } from '../../../src/optim/updates/sgdGroupUpdateOps.js';

describe('selectGroupUpdates with fused kernels', () => {
  describe.each(['cpu', 'wasm'])('when the backend is %s', (backendName) => {
    it('should pick the fused updates and make sure their kernels are registered', () => {
      if ((tf.getKernel(SGD_GROUP_KERNEL, backendName) as tf.KernelConfig | undefined) !== undefined) {
        tf.unregisterKernel(SGD_GROUP_KERNEL, backendName);
      }
      expect(selectGroupUpdates(backendName)).toEqual({ sgd: fusedSgdGroupUpdate, adam: fusedAdamGroupUpdate });
      expect(tf.getKernel(SGD_GROUP_KERNEL, backendName) as tf.KernelConfig | undefined).toBeDefined();
    });
  });

  describe.each(['tensorflow', 'webgl', 'webgpu'])('when the backend is %s', (backendName) => {
    it('should pick the plain-ops updates', () => {
      expect(selectGroupUpdates(backendName)).toEqual({ sgd: sgdGroupUpdateOps, adam: adamGroupUpdateOps });
    });
  });
});
