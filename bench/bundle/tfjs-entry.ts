// Bundle-size probe: the baseline, tfjs alone with an optimizer of its own.
import * as tf from '@tensorflow/tfjs';

const kernel = tf.variable(tf.zeros([2]), true, 'w');
console.log(kernel, tf.version_core, tf.train.sgd(0.1));
