import { updateRules } from '../rule.js';
import { emaFunction, finiteProbeFunction } from './ema.js';
import { maxAbsFunction, powerSumFunction } from './gradNorms.js';

/** A `WebAssembly.Memory`, as far as the kernels use it. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

/**
 * The slice of the global `WebAssembly` object the kernels use. Declared here because the
 * project compiles against ES2022 + Node types, which do not declare `WebAssembly`; the object
 * itself exists in every engine that runs the tfjs wasm backend.
 */
export interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: unknown };
  readonly Memory: abstract new (...args: never[]) => WasmMemory;
}

/** The engine's `WebAssembly` object, or null where there is none. */
export function webAssemblyApi(): WebAssemblyApi | null {
  return (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly ?? null;
}

/**
 * The few pieces of the WebAssembly binary format that the SIMD kernels need: LEB128 numbers,
 * sections, function types and code bodies. Written out here (about 60 lines) so that the fused
 * kernels need no compiler or build step and no extra dependency: the module is assembled from
 * bytes at run time and checked by `WebAssembly.validate`.
 *
 * Reference: WebAssembly core spec 2.0, chapter 5 (binary format) and the fixed-width SIMD proposal.
 */

/** Value types used by the kernels. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) {
      byte |= 0x80;
    }
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 for 32-bit integers. */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) {
      return out;
    }
  }
}

/** A vector: its length then its items. */
export function vec(items: readonly (readonly number[])[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A section: id, byte size, content. */
export function section(id: number, content: readonly number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/** A UTF-8 (here: ASCII) name. */
export function name(text: string): number[] {
  const bytes = Array.from(text, (c) => c.charCodeAt(0));
  return [...uleb(bytes.length), ...bytes];
}

/** One function of a module: its signature, extra locals and body (without the final `end`). */
export interface WasmFunction {
  readonly exportName: string;
  readonly params: readonly number[];
  readonly results: readonly number[];
  readonly locals: readonly number[];
  readonly body: readonly number[];
}

/**
 * Builds a {@link WasmFunction} whose parameters and locals are named: `params` and `locals` map
 * names to value types, in order (parameters take indices 0…, locals follow), and `body` receives
 * the index of every name. No instruction refers to a hand-numbered local.
 *
 * @example
 * ```ts
 * wasmFunction('twice', { x: F32 }, { y: F32 }, [F32], (at) => [...localGet(at.x), ...localGet(at.x), 0x92]);
 * ```
 */
export function wasmFunction<P extends string, L extends string>(
  exportName: string,
  params: Readonly<Record<P, number>>,
  locals: Readonly<Record<L, number>>,
  results: readonly number[],
  body: (at: Readonly<Record<P | L, number>>) => number[],
): WasmFunction {
  const paramNames = Object.keys(params) as P[];
  const localNames = Object.keys(locals) as L[];
  const at = Object.fromEntries([...paramNames, ...localNames].map((n, i) => [n, i])) as Record<P | L, number>;
  return {
    exportName,
    params: paramNames.map((n) => params[n]),
    results,
    locals: localNames.map((n) => locals[n]),
    body: body(at),
  };
}

/** Splats the f32 in local `from` into the v128 local `into` (a constant used by every lane). */
export function splatLocal(from: number, into: number): number[] {
  return [...localGet(from), ...f32x4Splat, ...localSet(into)];
}

/** Encodes a function body: locals grouped one per entry, the instructions, then `end`. */
export function codeEntry(fn: WasmFunction): number[] {
  const locals = vec(fn.locals.map((type) => [1, type]));
  const content = [...locals, ...fn.body, 0x0b];
  return [...uleb(content.length), ...content];
}

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
export const f32Add: number[] = [0x92];
export const f32Max: number[] = [0x97];
/** f32.const with the IEEE 754 bytes of `v`, little-endian. */
export const f32Const = (v: number): number[] => [0x43, ...new Uint8Array(Float32Array.of(v).buffer)];
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
export const f32x4Lt: number[] = simd(0x43);
export const f32x4Gt: number[] = simd(0x44);
export const v128And: number[] = simd(0x4e);
export const v128Or: number[] = simd(0x50);
/** i8x16.shuffle moving lanes 2 and 3 of an f32x4 to lanes 0 and 1. */
export const shuffleHighToLow: number[] = simd(0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);

/**
 * Emits `for (i = 0; i < nBytes; i += 16) body` where `i` is a byte offset shared by all arrays.
 * The caller passes only whole vectors (nBytes a multiple of 16); the JS side does the tail.
 */
export function vectorLoop(counter: number, nBytes: number, body: readonly number[]): number[] {
  return [
    ...i32Const(0),
    ...localSet(counter),
    ...blockVoid,
    ...loopVoid,
    ...localGet(counter),
    ...localGet(nBytes),
    ...i32GeU,
    ...brIf(1),
    ...body,
    ...localGet(counter),
    ...i32Const(16),
    ...i32Add,
    ...localSet(counter),
    ...br(0),
    ...end,
    ...end,
  ];
}

/** Folds the four f32 lanes of the v128 local `acc` into one f32 with `op` (e.g. `f32Add`, `f32Max`). */
export function foldLanes(acc: number, op: readonly number[]): number[] {
  const lane = (i: number): number[] => [...localGet(acc), ...f32x4ExtractLane(i)];
  return [...lane(0), ...lane(1), ...op, ...lane(2), ...op, ...lane(3), ...op];
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

/** One exported SIMD function: pointers are byte offsets into the memory, then counts and floats. */
export type SimdFunction = (...args: number[]) => number;

/**
 * The exports of the SIMD kernel module (see `buildSimdModule`), by export name: each update
 * rule's functions (e.g. `sgd`, `adam`, `lion`) and the p-norm sums. Pointers are byte offsets
 * into the backend's wasm memory; byte counts are multiples of 16 (whole 4-float vectors).
 */
export interface SimdKernels {
  readonly sumAbs: (ptr: number, nBytes: number) => number;
  readonly sumSquares: (ptr: number, nBytes: number) => number;
  readonly sumCubes: (ptr: number, nBytes: number) => number;
  readonly maxAbs: (ptr: number, nBytes: number) => number;
  readonly [exportName: string]: SimdFunction;
}

/** The export `name` of a SIMD module; a missing export is a programming error. */
export function simdExport(kernels: SimdKernels, exportName: string): SimdFunction {
  const fn = kernels[exportName];
  if (fn === undefined) throw new Error(`SIMD module has no export '${exportName}'`);
  return fn;
}

/** The functions of the SIMD kernel module, in export order. */
export function simdKernelFunctions(): WasmFunction[] {
  // Rules may share functions (Adam and AdamW both use `adam`): one export per name.
  const ruleFunctions = new Map(updateRules().flatMap((rule) => (rule.wasmFunctions?.() ?? []).map((f) => [f.exportName, f] as const)));
  return [
    ...ruleFunctions.values(),
    powerSumFunction('sumAbs'),
    powerSumFunction('sumSquares'),
    powerSumFunction('sumCubes'),
    maxAbsFunction(),
    finiteProbeFunction(),
    emaFunction(),
  ];
}

/**
 * Assembles the SIMD kernel module. It imports its memory as `env.memory` (min 0 pages, no
 * maximum, so any non-shared memory fits): instantiated with the tfjs wasm backend's own memory,
 * its functions read and write tensors where the backend keeps them, by byte offset.
 */
export function buildSimdModule(): Uint8Array {
  const fns = simdKernelFunctions();
  const types = section(1, vec(fns.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))])));
  const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]]));
  const funcs = section(3, vec(fns.map((_, i) => [i])));
  const exports = section(7, vec(fns.map((f, i) => [...name(f.exportName), 0x00, i])));
  const code = section(10, vec(fns.map(codeEntry)));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...funcs, ...exports, ...code]);
}

/**
 * Returns a function that gives the SIMD kernels bound to a given wasm memory, instantiating the
 * module once per memory (a new wasm backend has a new memory). The cache lives in the returned
 * closure, which the kernel registration holds; there is no module-level state. The function
 * returns null when this engine has no wasm SIMD, so callers fall back to plain loops.
 */
export function simdKernelsFor(): (memory: WasmMemory) => SimdKernels | null {
  const api = webAssemblyApi();
  const bytes = buildSimdModule();
  const compiled = api !== null && api.validate(bytes) ? new api.Module(bytes) : null;
  const instances = new WeakMap<WasmMemory, SimdKernels>();
  return (memory) => {
    if (api === null || compiled === null) {
      return null;
    }
    let kernels = instances.get(memory);
    if (kernels === undefined) {
      kernels = new api.Instance(compiled, { env: { memory } }).exports as SimdKernels;
      instances.set(memory, kernels);
    }
    return kernels;
  };
}

/** True when `value` is a `WebAssembly.Memory`. */
export function isWasmMemory(value: unknown): value is WasmMemory {
  const api = webAssemblyApi();
  return api !== null && value instanceof api.Memory;
}

/**
 * A small private wasm memory where the SIMD kernels run on data that lives outside any wasm
 * heap (the cpu backend's typed arrays): chunks of each array are copied in, updated, copied out.
 * Copies of L2-sized chunks are cheap next to V8's scalar float loop, so this is ~3× faster than
 * the plain JavaScript loop on this project's machines (docs/performance.md).
 */
export interface SimdStaging {
  readonly simd: SimdKernels;
  /** The memory as floats: slot `s` is `f32[s·chunk, (s+1)·chunk)`. */
  readonly f32: Float32Array;
  /** Floats per slot, a multiple of 4. */
  readonly chunk: number;
}

/** Floats per slot (64 KiB); 4 slots (Adam's p, g, m, v) take 4 wasm pages. */
const CHUNK = 16384;
const SLOTS = 4;

/** Creates a staging area, or returns null when the engine has no wasm SIMD. */
export function createSimdStaging(): SimdStaging | null {
  const api = webAssemblyApi();
  if (api === null) return null;
  const MemoryCtor = api.Memory as unknown as new (d: { initial: number }) => { readonly buffer: ArrayBuffer };
  const memory = new MemoryCtor({ initial: (SLOTS * CHUNK * 4) / 65536 });
  const simd = simdKernelsFor()(memory);
  return simd === null ? null : { simd, f32: new Float32Array(memory.buffer), chunk: CHUNK };
}

/**
 * Runs a SIMD kernel over elements `[0, n)` chunk by chunk: copies `inputs[s]` into slot `s`, calls
 * `run(nBytes)` (which must use slot byte offsets `s · chunk · 4`), copies slot `s` of each
 * `[s, dest]` in `outputs` back into `dest`; the last < 4 elements go to `tail(from, to)`.
 */
export function runStaged(
  st: SimdStaging,
  inputs: readonly Float32Array[],
  outputs: readonly (readonly [number, Float32Array])[],
  n: number,
  run: (nBytes: number) => void,
  tail: (from: number, to: number) => void,
): void {
  const whole = n - (n % 4);
  for (let start = 0; start < whole; start += st.chunk) {
    const end = Math.min(whole, start + st.chunk);
    inputs.forEach((a, s) => {
      st.f32.set(a.subarray(start, end), s * st.chunk);
    });
    run((end - start) * 4);
    for (const [s, dest] of outputs) dest.set(st.f32.subarray(s * st.chunk, s * st.chunk + end - start), start);
  }
  if (whole < n) tail(whole, n);
}
