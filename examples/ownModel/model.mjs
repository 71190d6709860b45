import * as tf from '@tensorflow/tfjs';

// `tfjs-solver train --model examples/ownModel/model.mjs`: a module whose default export builds
// the model (a .ts module works too when run through tsx). It gets the run's seed (seed your
// initializers with it) and SOLVER.IMS_PER_BATCH. Input: 784 grey levels; output: 10 logits.

/** @param {{ seed: number, batchSize: number }} options */
export default function createModel({ seed }) {
  const init = (k) => tf.initializers.heNormal({ seed: seed + k });
  return tf.sequential({
    name: 'my_mlp',
    layers: [
      tf.layers.dense({ name: 'fc1', units: 32, inputShape: [784], kernelInitializer: init(1) }),
      tf.layers.layerNormalization({ name: 'ln1' }), // a norm layer: its gamma/beta get WEIGHT_DECAY_NORM
      tf.layers.reLU({ name: 'relu1' }),
      tf.layers.dense({ name: 'logits', units: 10, kernelInitializer: init(2) }),
    ],
  });
}
