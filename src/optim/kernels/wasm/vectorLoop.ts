import { blockVoid, br, brIf, end, i32Add, i32Const, i32GeU, localGet, localSet, localTee, loopVoid, v128Load, v128Store } from './simdOps.js';

/**
 * Emits `for (i = 0; i < nBytes; i += 16) body` where `i` is a byte offset shared by all arrays.
 * The caller passes only whole vectors (nBytes a multiple of 16); the JS side does the tail.
 */
export function vectorLoop(counter: number, nBytes: number, body: readonly number[]): number[] {
  return [
    ...i32Const(0), ...localSet(counter),
    ...blockVoid, ...loopVoid,
    ...localGet(counter), ...localGet(nBytes), ...i32GeU, ...brIf(1),
    ...body,
    ...localGet(counter), ...i32Const(16), ...i32Add, ...localSet(counter),
    ...br(0),
    ...end, ...end,
  ];
}

/** Pushes the 4 floats at `base + counter`. */
export function load(base: number, counter: number): number[] {
  return [...localGet(base), ...localGet(counter), ...i32Add, ...v128Load];
}

/** Stores `value` (instructions that push one v128) at `base + counter`, keeping a copy in `keep`. */
export function store(base: number, counter: number, value: readonly number[], keep?: number): number[] {
  const tee = keep === undefined ? [] : localTee(keep);
  return [...localGet(base), ...localGet(counter), ...i32Add, ...value, ...tee, ...v128Store];
}
