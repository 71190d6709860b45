import { sleb, uleb } from './wasmEncoding.js';

/**
 * Instruction helpers for the kernel bodies. Opcodes from the WebAssembly core spec (MVP) and the
 * fixed-width SIMD proposal (prefix 0xfd, LEB128 sub-opcode). Each helper returns the bytes of one
 * instruction; bodies are plain arrays of them, read like stack-machine assembly.
 */
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];

export const localGet = (i: number): number[] => [0x20, ...uleb(i)];
export const localSet = (i: number): number[] => [0x21, ...uleb(i)];
export const localTee = (i: number): number[] => [0x22, ...uleb(i)];
export const i32Const = (v: number): number[] => [0x41, ...sleb(v)];
export const i32Add: number[] = [0x6a];
export const i32GeU: number[] = [0x4f];
export const f64Add: number[] = [0xa0];
export const f32Max: number[] = [0x97];
export const blockVoid: number[] = [0x02, 0x40];
export const loopVoid: number[] = [0x03, 0x40];
export const end: number[] = [0x0b];
export const br = (depth: number): number[] => [0x0c, ...uleb(depth)];
export const brIf = (depth: number): number[] => [0x0d, ...uleb(depth)];

/** v128.load / v128.store with alignment hint 2^2 (float32 data) and offset 0. */
export const v128Load: number[] = simd(0x00, 2, 0);
export const v128Store: number[] = simd(0x0b, 2, 0);
export const f32x4Splat: number[] = simd(0x13);
export const f32x4ExtractLane = (lane: number): number[] => simd(0x1f, lane);
export const f64x2ExtractLane = (lane: number): number[] => simd(0x21, lane);
export const f64x2PromoteLow: number[] = simd(0x5f);
export const f32x4Abs: number[] = simd(0xe0);
export const f32x4Sqrt: number[] = simd(0xe3);
export const f32x4Add: number[] = simd(0xe4);
export const f32x4Sub: number[] = simd(0xe5);
export const f32x4Mul: number[] = simd(0xe6);
export const f32x4Div: number[] = simd(0xe7);
export const f32x4Max: number[] = simd(0xe9);
export const f64x2Add: number[] = simd(0xf0);
/** i8x16.shuffle moving lanes 2 and 3 of an f32x4 to lanes 0 and 1. */
export const shuffleHighToLow: number[] = simd(0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
