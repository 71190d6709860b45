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

/** Encodes a function body: locals grouped one per entry, the instructions, then `end`. */
export function codeEntry(fn: WasmFunction): number[] {
  const locals = vec(fn.locals.map((type) => [1, type]));
  const content = [...locals, ...fn.body, 0x0b];
  return [...uleb(content.length), ...content];
}
