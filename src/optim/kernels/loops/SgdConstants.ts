/** The numbers one SGD kernel call needs, already resolved (clip scale read, decay of the group). */
export interface SgdConstants {
  readonly lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  /** The clip coefficient that multiplies every gradient (1 when there is none). */
  readonly scale: number;
}

/** Where one tensor's update reads and writes (`pOut`/`bOut` may be the same arrays as the inputs). */
export interface SgdArrays {
  readonly p: Float32Array;
  readonly g: Float32Array;
  readonly b: Float32Array | null;
  readonly pOut: Float32Array;
  readonly bOut: Float32Array | null;
}
