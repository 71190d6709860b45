import * as tf from '@tensorflow/tfjs';

// `tfjs-solver train --data examples/ownModel/data.mjs`: a module whose default export returns
// tf.data.Datasets of batched { xs, ys } (ys one-hot): `train`, and optionally `eval` (held out,
// scored by the eval hook and in the summary). Tensors are made batch by batch by generators, so
// nothing stays in memory between runs. The data here is synthetic: ten fixed random patterns of
// 784 values, each sample one of them plus noise; a real project reads its files here instead.

function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function batches(count, batchSize, seed) {
  const patterns = random(1);
  const prototypes = Array.from({ length: 10 }, () => Float32Array.from({ length: 784 }, () => (patterns() < 0.2 ? 1 : 0)));
  return function* () {
    const next = random(seed);
    for (let start = 0; start + batchSize <= count; start += batchSize) {
      const xs = new Float32Array(batchSize * 784);
      const ys = new Float32Array(batchSize * 10);
      for (let row = 0; row < batchSize; row++) {
        const label = Math.floor(next() * 10);
        const prototype = prototypes[label];
        for (let i = 0; i < 784; i++) xs[row * 784 + i] = prototype[i] + 0.6 * (next() - 0.5);
        ys[row * 10 + label] = 1;
      }
      yield { xs: tf.tensor2d(xs, [batchSize, 784]), ys: tf.tensor2d(ys, [batchSize, 10]) };
    }
  };
}

/** @param {{ seed: number, batchSize: number }} options */
export default function createData({ seed, batchSize }) {
  return {
    train: tf.data.generator(batches(1024, batchSize, seed)),
    eval: tf.data.generator(batches(256, 64, 12345)),
  };
}
