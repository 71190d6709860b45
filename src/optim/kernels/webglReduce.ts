import type { TensorInfo } from '@tensorflow/tfjs';
import type { Carry, ReduceMode, StepControlAttrs } from './gpu.js';
import { floatLiteral } from './gpuMulti.js';

/**
 * The p-norm reduction programs for tfjs's `webgl` backend (GLSL ES 3.00 fragment shaders): partial
 * sums over gradients, their reduction and the step-control program. See webgl.ts for the updates.
 */

/** A program as tfjs-backend-webgl 4.22 runs it (its `GPGPUProgram`). */
export interface WebGLProgramSpec {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly userCode: string;
  readonly customUniforms?: { name: string; type: 'float' | 'int' }[];
  readonly packedInputs?: boolean;
  readonly packedOutput?: boolean;
}

/** `get<Name>` as tfjs names the sampler of an input. */
const getter = (name: string): string => `get${name}`;

/**
 * The texel layout of a packed input: a texel holds a 2×2 block of the last two dimensions, lanes
 * x, y, z, w = (row, col), (row, col+1), (row+1, col), (row+1, col+1); a 1-D tensor is one row
 * (lanes x, y), a scalar lane x. `batch` are the leading dimensions.
 */
export function texelLayout(shape: readonly number[]): { batch: number[]; rows: number; cols: number; texels: number } {
  const rank = shape.length;
  const rows = rank >= 2 ? (shape[rank - 2] as number) : 1;
  const cols = rank >= 1 ? (shape[rank - 1] as number) : 1;
  const batch = shape.slice(0, Math.max(0, rank - 2));
  const texels = batch.reduce((a, b) => a * b, 1) * Math.ceil(rows / 2) * Math.ceil(cols / 2);
  return { batch, rows, cols, texels };
}

/**
 * GLSL `vec4 texel<name>(int q, out bvec4 valid)`: texel `q` (row-major over batch, texel rows,
 * texel cols) of the packed input `name`, with the lanes that hold elements of the tensor.
 */
function packedTexelReader(name: string, shape: readonly number[]): string {
  const { batch, rows, cols } = texelLayout(shape);
  const tRows = Math.ceil(rows / 2);
  const tCols = Math.ceil(cols / 2);
  const batchStrides = batch.map((_, k) => batch.slice(k + 1).reduce((a, b) => a * b, 1));
  const batchCoords = batchStrides.map((st, k) => `int b${k} = bi / ${st}; bi -= b${k} * ${st};`).join(' ');
  const rank = shape.length;
  const args = rank === 0 ? '' : rank === 1 ? 'col' : [...batch.map((_, k) => `b${k}`), 'row', 'col'].join(', ');
  return `vec4 texel${name}(int q, out bvec4 valid) {
  int bi = q / ${tRows * tCols}; int rem = q - bi * ${tRows * tCols};
  int tr = rem / ${tCols}; int row = 2 * tr; int col = 2 * (rem - tr * ${tCols});
  ${batchCoords}
  bool right = col + 1 < ${cols}; bool down = row + 1 < ${rows};
  valid = bvec4(true, right, down, right && down);
  return ${getter(name)}(${args});
}`;
}

/**
 * GLSL of the lanes of packed texel `q` that hold elements of a tensor of `shape` (null: all four).
 * tfjs-backend-webgl 4.22 stores a packed tensor's texels in this order in every texture layout
 * (flat texel index, row-major over the texture), so the index alone gives the lanes.
 */
function validLanes(shape: readonly number[], q: string): string | null {
  const { rows, cols } = texelLayout(shape);
  if (shape.length === 0) return 'bvec4(true, false, false, false)';
  const tCols = Math.ceil(cols / 2);
  const right = cols % 2 === 0 ? 'true' : `2 * (${q} % ${tCols}) + 1 < ${cols}`;
  if (shape.length === 1) return `bvec4(true, ${right}, false, false)`;
  if (rows % 2 === 0 && cols % 2 === 0) return null;
  const down = rows % 2 === 0 ? 'true' : `2 * ((${q} / ${tCols}) % ${Math.ceil(rows / 2)}) + 1 < ${rows}`;
  return `bvec4(true, ${right}, ${down}, (${right}) && (${down}))`;
}

/** GLSL folding `y` into accumulator `acc` (sum, or NaN-propagating max for p = ∞) and the term of an element `x`. */
function reduceSnippets(mode: ReduceMode): { term: string; fold: string } {
  const inf = mode.p === Infinity;
  const term = !mode.first ? 'x' : inf || mode.p === 1 ? 'abs(x)' : mode.p === 2 ? 'x * x' : `pow(abs(x), ${floatLiteral(mode.p)})`;
  const fold = inf ? 'acc = (isnan(acc) || isnan(y)) ? (isnan(acc) ? acc : y) : max(acc, y);' : 'acc += y;';
  return { term, fold };
}

/** The term of a texel `x4` and its fold into `acc` (see {@link reduceSnippets}). */
function texelSnippets(mode: ReduceMode): { term4: string; fold4: string } {
  const inf = mode.p === Infinity;
  const { fold } = reduceSnippets(mode);
  const term4 = inf || mode.p === 1 ? 'abs(x4)' : mode.p === 2 ? 'x4 * x4' : `pow(abs(x4), vec4(${floatLiteral(mode.p)}))`;
  const fold4 = inf ? ['x', 'y', 'z', 'w'].map((l) => `{ float y = y4.${l}; ${fold} }`).join(' ') : 'acc += (y4.x + y4.y) + (y4.z + y4.w);';
  return { term4, fold4 };
}

/** GLSL reading the carried total: element `at` of the packed carry tensor. */
function carryRead(carry: Carry): string {
  return carry.tensor.shape.length === 0 ? 'getCarry().x' : `getCarry(${carry.at}).${carry.at % 2 === 0 ? 'x' : 'y'}`;
}

/**
 * Partial reductions, one row per tensor: the first level reads the gradients as packed textures
 * (as the backward pass left them), a texel (four values) per iteration; later levels read this
 * program's own unpacked output, a value per iteration. Output unpacked, `[xs.length, blocks]`;
 * `chunk` counts texels at the first level, values later.
 */
export function partialsProgram(xs: readonly TensorInfo[], mode: ReduceMode, chunk: number, blocks: number): WebGLProgramSpec {
  const { term, fold } = reduceSnippets(mode);
  const { term4, fold4 } = texelSnippets(mode);
  const parts = xs
    .map((x, t) => {
      if (mode.first) {
        return `${packedTexelReader(`X${t}`, x.shape)}
float part${t}(int j) {
  float acc = 0.0;
  int start = j * ${chunk};
  for (int k = 0; k < ${chunk}; k++) {
    int q = start + k;
    if (q >= ${texelLayout(x.shape).texels}) break;
    bvec4 valid;
    vec4 x4 = texelX${t}(q, valid);
    vec4 y4 = mix(vec4(0.0), ${term4}, valid);
    ${fold4}
  }
  return acc;
}`;
      }
      const n = x.shape.reduce((a, b) => a * b, 1);
      return `${unpackedRowReader(`X${t}`, x.shape)}
float part${t}(int j) {
  float acc = 0.0;
  int start = j * ${chunk};
  for (int k = 0; k < ${chunk}; k++) {
    int i = start + k;
    if (i >= ${n}) break;
    float x = readX${t}(i);
    float y = ${term};
    ${fold}
  }
  return acc;
}`;
    })
    .join('\n');
  const dispatch = xs.map((_, t) => `if (tj.x == ${t}) r = part${t}(tj.y);`).join(' else ');
  const userCode = `
${parts}
void main() {
  ivec2 tj = getOutputCoords();
  float r = 0.0;
  ${dispatch}
  setOutput(r);
}`;
  return {
    variableNames: xs.map((_, t) => `X${t}`),
    outputShape: [xs.length, blocks],
    userCode,
    packedInputs: mode.first,
    packedOutput: false,
  };
}

/** Columns of the flat partials' output: narrow, so that its rows spread over the rasteriser's threads. */
const FLAT_COLS = 8;

/**
 * The flat first level of a global norm: invocation j reduces texels `[j·chunk, (j+1)·chunk)` of
 * the gradients taken one after another, each texel fetched directly (no coordinate arithmetic per
 * element beyond a counter). Output unpacked, `[rows, 8]` with an even number of rows (whole 2×2
 * quads); with `carry`, its last entry holds the old skipped total for finishControl.
 */
export function flatPartialsProgram(
  xs: readonly TensorInfo[],
  mode: ReduceMode,
  chunk: number,
  blocks: number,
  carry?: Carry,
): WebGLProgramSpec {
  const { term4, fold4 } = texelSnippets(mode);
  let offset = 0;
  const loops = xs.map((x, t) => {
    const from = offset;
    const texels = texelLayout(x.shape).texels;
    offset += texels;
    const valid = validLanes(x.shape, 'q');
    const y4 = valid === null ? term4 : `mix(vec4(0.0), ${term4}, ${valid})`;
    return `{
    int lo = max(start, ${from}) - ${from};
    int hi = min(stop, ${from + texels}) - ${from};
    int w = textureSize(X${t}, 0).x;
    int r = lo / w;
    int c = lo - r * w;
    for (int q = lo; q < hi; q++) {
      vec4 x4 = texelFetch(X${t}, ivec2(c, r), 0);
      vec4 y4 = ${y4};
      ${fold4}
      c++;
      if (c == w) { c = 0; r++; }
    }
  }`;
  });
  const cols = FLAT_COLS;
  const rows = 2 * Math.ceil((blocks + (carry === undefined ? 0 : 1)) / (2 * cols));
  const userCode = `
void main() {
  ivec2 rc = getOutputCoords();
  int j = rc.x * ${cols} + rc.y;
  float acc = 0.0;
  if (j < ${blocks}) {
    int start = j * ${chunk};
    int stop = start + ${chunk};
    ${loops.join('\n    ')}
  }
  ${carry === undefined ? '' : `if (j == ${rows * cols - 1}) acc = ${carryRead(carry)};`}
  setOutput(acc);
}`;
  const names = [...xs.map((_, t) => `X${t}`), ...(carry === undefined ? [] : ['Carry'])];
  return { variableNames: names, outputShape: [rows, cols], userCode, packedInputs: true, packedOutput: false };
}

/** Element `i` of an unpacked 2-D partials tensor `[k, blocks]` (read row-major). */
function unpackedRowReader(name: string, shape: readonly number[]): string {
  const cols = shape[1] ?? 1;
  return `float read${name}(int i) { int r = i / ${cols}; return ${getter(name)}(r, i - r * ${cols}); }`;
}

/** The p-th root of a sum of |x|^p (identity for p = 1 and p = ∞). */
function rootSnippet(p: number): string {
  return p === Infinity || p === 1 ? 'acc' : p === 2 ? 'sqrt(acc)' : `pow(acc, ${floatLiteral(1 / p)})`;
}

/** Reduces `[k, blocks]` partials: to a scalar (`global`) or one value per row, and takes the p-th root. */
export function finishProgram(parts: TensorInfo, p: number, global: boolean): WebGLProgramSpec {
  const [rows = 1, cols = 1] = parts.shape;
  const { fold } = reduceSnippets({ p, first: false });
  const rowLoop = global ? `for (int row = 0; row < ${rows}; row++) {` : 'int row = getOutputCoords(); {';
  const userCode = `
void main() {
  float acc = 0.0;
  ${rowLoop}
    for (int col = 0; col < ${cols}; col++) {
      float y = getParts(row, col);
      ${fold}
    }
  }
  setOutput(${rootSnippet(p)});
}`;
  return { variableNames: ['Parts'], outputShape: global ? [] : [rows], userCode };
}

/** The uniforms of {@link StepControlAttrs.bias}, in its order. */
export const BIAS_UNIFORMS = ['beta1', 'beta2', 'tHost', 'known', 'bc1Host', 'ibHost'].map((name) => ({ name, type: 'float' as const }));

/**
 * Adam's bias corrections in the hidden lanes z, w of texel 0: the host's float64 values, or, when
 * skipped steps the host has not seen make its step number `tHost` too large, float32 powers.
 */
const BIAS_SNIPPET = `vec2 hidden = vec2(bc1Host, ibHost);
  float lag = total - known;
  if (lag != 0.0) {
    float t = tHost - lag;
    hidden = vec2(1.0 / (1.0 - pow(beta1, t)), inversesqrt(1.0 - pow(beta2, t)));
  }`;

/**
 * The global norm from the partials and, in the same program, the step's control values, written
 * packed so the update programs read them without a pack program: texel 0 holds (scale, apply),
 * texel 1 (norm, clipped), texel 2 (the new skipped total when the partials carried the old one
 * in their last entry, else 0). Lanes z, w of texel 0 (no elements of the 1-D tensor) hold Adam's bias
 * corrections when requested and carried, else (total, 0). Finite means the norm's exponent bits are not all ones (no NaN, no ∞).
 */
export function finishControlProgram(parts: TensorInfo, a: StepControlAttrs, carried: boolean): WebGLProgramSpec {
  const [rows = 1, cols = 1] = parts.shape;
  const bias = carried && a.bias !== undefined && a.bias.length === BIAS_UNIFORMS.length;
  const { fold } = reduceSnippets({ p: a.p, first: false });
  const clip = a.clipValue > 0;
  const last = rows * cols - 1;
  const userCode = `
void main() {
  float acc = 0.0;
  for (int i = 0; i < ${carried ? last : last + 1}; i++) {
    int row = i / ${cols};
    float y = getParts(row, i - row * ${cols});
    ${fold}
  }
  float norm = ${rootSnippet(a.p)};
  float finite = (floatBitsToUint(norm) & 0x7fffffffu) < 0x7f800000u ? 1.0 : 0.0;
  float coef = ${clip ? 'clipValue / (norm + 1e-6)' : '1.0'};
  float scale = ${clip ? 'min(coef, 1.0)' : '1.0'};
  float clipped = ${clip ? '(coef < 1.0 ? 1.0 : 0.0)' : '0.0'};
  float apply = ${a.guard ? 'finite' : '1.0'};
  float total = ${carried ? `getParts(${rows - 1}, ${cols - 1}) + 1.0 - apply` : '0.0'};
  ${bias ? BIAS_SNIPPET : 'vec2 hidden = vec2(total, 0.0);'}
  int at = getOutputCoords();
  setOutput(at < 2 ? vec4(scale, apply, hidden) : at < 4 ? vec4(norm, clipped, 0.0, 0.0) : vec4(total, 0.0, 0.0, 0.0));
}`;
  return {
    variableNames: ['Parts'],
    outputShape: [6],
    userCode,
    customUniforms: [{ name: 'clipValue', type: 'float' as const }, ...(bias ? BIAS_UNIFORMS : [])],
    packedInputs: false,
    packedOutput: true,
  };
}
