import type * as tf from '@tensorflow/tfjs';
import type { ModuleData } from './ParamGroup.js';

/** A layer that holds other layers (a nested `tf.LayersModel`, `tf.Sequential`). */
interface LayerContainer {
  readonly layers: readonly tf.layers.Layer[];
}

function isContainer(layer: tf.layers.Layer): layer is tf.layers.Layer & LayerContainer {
  return Array.isArray((layer as Partial<LayerContainer>).layers);
}

/**
 * Describes a `tf.LayersModel` as plain module data, layers in order, nested models walked
 * depth-first in place (SPEC §2.3).
 *
 * Why the `tf.Variable` as value: gradient maps are keyed by the variable's unique name
 * (`dense_1/kernel_1` when names collide), not by the weight's original name (NOTES §2.5).
 * Module names are the layer path joined with `.` (`inner_model.dense_2`), param names the
 * weight's short tfjs name (`kernel`), so a full name reads `inner_model.dense_2.kernel`.
 * A layer reachable twice (shared) is listed twice; getDefaultOptimizerParams keeps the first.
 *
 * @param model the model to walk.
 * @returns one module per non-container layer.
 */
export function modulesFromLayersModel(model: tf.LayersModel): ModuleData<tf.Variable>[] {
  const modules: ModuleData<tf.Variable>[] = [];
  walk(model.layers, '', modules);
  return modules;
}

function walk(layers: readonly tf.layers.Layer[], prefix: string, out: ModuleData<tf.Variable>[]): void {
  for (const layer of layers) {
    const name = `${prefix}${layer.name}`;
    if (isContainer(layer)) {
      walk(layer.layers, `${name}.`, out);
      continue;
    }
    const trainable = new Set(layer.trainableWeights);
    out.push({
      name,
      type: layer.getClassName(),
      params: layer.weights.map((w) => ({
        name: w.originalName.slice(w.originalName.lastIndexOf('/') + 1),
        // The tensor LayerVariable.read() returns is its tf.Variable (tfjs-layers variables.ts).
        // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
        value: w.read() as tf.Variable,
        trainable: trainable.has(w),
      })),
    });
  }
}
