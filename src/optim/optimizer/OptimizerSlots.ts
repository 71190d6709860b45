import * as tf from '@tensorflow/tfjs';
import { lookupVariable } from './lookupVariable.js';
import type { SlotName } from './slotNames.js';

/**
 * The optimizer's state variables, keyed by name (never by position, NOTES §0.4).
 *
 * Why a class: it owns variables (created as zeros on first use, so momentum starts at zero
 * and Adam's step at 0) and must dispose them; everything else in the optimizer is data.
 */
export class OptimizerSlots {
  private readonly slots = new Map<string, tf.Variable>();

  /** The slot for `slot`, created as zeros shaped like its variable (or a scalar) on first use. */
  public get(slot: SlotName): tf.Variable {
    const existing = this.slots.get(slot.key);
    if (existing !== undefined) return existing;
    const created = tf.tidy(() => {
      const init = slot.like === null ? tf.scalar(0) : tf.zerosLike(lookupVariable(slot.like));
      return tf.variable(init, false);
    });
    this.slots.set(slot.key, created);
    return created;
  }

  /** Sets a slot's value; the slot shares `value`'s data, the caller keeps (and may dispose) `value`. */
  public set(key: string, value: tf.Tensor): void {
    const existing = this.slots.get(key);
    if (existing !== undefined) existing.assign(value);
    else this.slots.set(key, tf.variable(value, false));
  }

  /** Disposes every slot variable. */
  public dispose(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
  }
}
