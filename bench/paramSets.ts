import type { ParamKind, ParamSet, ParamSpec } from './ParamSpec.js';
import { RESNET50_PARAMS } from './resnet50Params.js';

/** 400 tensors of 1,000 floats: 200 weights, 100 normalization params, 100 biases. */
function smallTensors(): ParamSpec[] {
  const kind = (i: number): ParamKind => (i < 200 ? 'weight' : i < 300 ? 'norm' : 'bias');
  return Array.from({ length: 400 }, (_, i) => [kind(i), [1000]] as const);
}

/** The two parameter sets of issue 6. */
export function paramSets(): ParamSet[] {
  return [
    { name: 'ResNet-50 (161 tensors, 25.6M floats)', params: RESNET50_PARAMS },
    { name: '400 × 1,000 floats', params: smallTensors() },
  ];
}

/** Number of floats in a set. */
export function floatsIn(set: ParamSet): number {
  return set.params.reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0);
}
