/** The name of the checkpoint written when training finishes. */
export const FINAL_CHECKPOINT: string = 'model_final.ckpt';
/** The file that holds the name of the newest checkpoint. */
export const LAST_CHECKPOINT_FILE: string = 'last_checkpoint';

const PERIODIC: RegExp = /^model_(\d{7,})\.ckpt$/;

/** `model_0000100.ckpt` for iteration 100 (seven digits, detectron2's pattern). */
export function periodicCheckpointName(iteration: number): string {
  return `model_${String(iteration).padStart(7, '0')}.ckpt`;
}

/** The iteration in a periodic checkpoint's name, or null when `name` is not one. */
export function periodicIteration(name: string): number | null {
  const match: RegExpExecArray | null = PERIODIC.exec(name);
  return match === null ? null : Number(match[1]);
}
