import type * as tf from '@tensorflow/tfjs';
import type { ClipperOptions } from '../../src/optim/clip.js';
import type { ParamGroup } from '../../src/optim/groups.js';
import { SolverOptimizer, type SolverOptimizerOptions } from '../../src/optim/SolverOptimizer.js';
import type { BenchCase, CaseInputs } from '../BenchCase.js';

/** detectron2-style groups: weights (decay 1e-4), normalization params (decay 0), biases (LR × 2). */
function threeGroups({ set, variables }: CaseInputs, lr: number, decay: number): ParamGroup<tf.Variable>[] {
  const of = (kind: string): tf.Variable[] => variables.filter((_, i) => set.params[i]?.[0] === kind);
  return [
    { params: of('weight'), lr, weightDecay: decay },
    { params: of('norm'), lr, weightDecay: 0 },
    { params: of('bias'), lr: 2 * lr, weightDecay: decay },
  ];
}

function solverCase(key: string, name: string, options: (inputs: CaseInputs) => SolverOptimizerOptions): BenchCase {
  return {
    key,
    name,
    prepare: (inputs) => {
      const optimizer = new SolverOptimizer(options(inputs));
      return {
        step: () => {
          optimizer.applyGradients(inputs.grads);
        },
        dispose: () => {
          optimizer.dispose();
        },
      };
    },
  };
}

const FULL_MODEL: ClipperOptions = { clipType: 'full_model', clipValue: 1, normType: 2 };

/**
 * Our full step as a user configures it: 3 groups, nesterov, weight decay, full_model clipping;
 * the defaults pick the fused clipper and kernels where the backend has them.
 */
export const oursFullStepCase = solverCase('ours', 'ours: 3 groups, nesterov, decay, full_model clip', (inputs) => ({
  groups: threeGroups(inputs, 0.01, 1e-4),
  momentum: 0.9,
  nesterov: true,
  clip: FULL_MODEL,
}));

/** The same step forced onto the plain-ops path (what the tensorflow and webgl backends run). */
export const oursPlainOpsCase = solverCase('ours-ops', 'ours, plain-ops path (no fused kernels)', (inputs) => ({
  groups: threeGroups(inputs, 0.01, 1e-4),
  momentum: 0.9,
  nesterov: true,
  clip: FULL_MODEL,
  fused: false,
}));

/** Our AdamW with the defaults: 3 groups (decay 0.05 / 0 / 0.05), no clipping but the non-finite guard (skip). */
export const oursAdamWCase = solverCase('ours-adamw', 'ours: AdamW, 3 groups, non-finite guard', (inputs) => ({
  algorithm: 'AdamW',
  groups: threeGroups(inputs, 1e-3, 0.05),
}));

/** Lion with the defaults: the same 3 groups (decay 0.5 / 0 / 0.5), no clipping but the non-finite guard (skip). */
export const oursLionCase = solverCase('ours-lion', 'ours: Lion, 3 groups, non-finite guard', (inputs) => ({
  algorithm: 'Lion',
  groups: threeGroups(inputs, 1e-4, 0.5),
}));
