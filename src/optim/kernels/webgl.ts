import type { TensorInfo } from '@tensorflow/tfjs';
import { SolverError } from '../../errors.js';
import type { SgdGroupAttrs } from '../sgd.js';
import {
  ADAM_UNIFORM_NAMES,
  LION_UNIFORM_NAMES,
  concatWith,
  type AdamTarget,
  type AdamUniforms,
  type Carry,
  type GpuPrograms,
  type LionTarget,
  type ReduceMode,
  type SgdTarget,
  type StepControlAttrs,
  type UpdateInputs,
} from './gpu.js';

/**
 * The fused kernels' shader programs for tfjs's `webgl` backend (WebGL 2, GLSL ES 3.00 fragment
 * shaders run through the backend's `runWebGLProgram`). Each program writes one texture;
 * tfjs compiles a program once per source and input shapes and caches it, so the hyperparameters
 * that change from step to step (LR, decay) are uniforms, never part of the source.
 */

/** A program as tfjs-backend-webgl 4.22 runs it (its `GPGPUProgram`). */
interface WebGLProgramSpec {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly userCode: string;
  readonly customUniforms?: { name: string; type: 'float' | 'int' }[];
  readonly packedInputs?: boolean;
  readonly packedOutput?: boolean;
}

/** The parts of tfjs-backend-webgl's `MathBackendWebGL` used here. */
interface WebGLBackendShape {
  /** (program, inputs, output dtype, custom uniform values, preventEagerUnpackingOfOutput). */
  runWebGLProgram(...args: [WebGLProgramSpec, TensorInfo[], 'float32', number[][] | null, boolean]): TensorInfo;
  disposeData(dataId: object): boolean;
  packTensor(input: TensorInfo): TensorInfo;
  readonly texData: { get(dataId: object): { isPacked?: boolean; texture?: unknown } | undefined };
}

function isWebGLBackend(backend: unknown): backend is WebGLBackendShape {
  const b = backend as Partial<Record<'runWebGLProgram' | 'disposeData' | 'packTensor', unknown>> &
    Partial<Pick<WebGLBackendShape, 'texData'>>;
  const methods = [b.runWebGLProgram, b.disposeData, b.packTensor];
  return methods.every((m) => typeof m === 'function') && typeof b.texData?.get === 'function';
}

/** `get<Name>` as tfjs names the sampler of an input. */
const getter = (name: string): string => `get${name}`;

/**
 * The texel layout of a packed input: a texel holds a 2×2 block of the last two dimensions, lanes
 * x, y, z, w = (row, col), (row, col+1), (row+1, col), (row+1, col+1); a 1-D tensor is one row
 * (lanes x, y), a scalar lane x. `batch` are the leading dimensions.
 */
function texelLayout(shape: readonly number[]): { batch: number[]; rows: number; cols: number; texels: number } {
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
 * Input list and GLSL of an update's control tensor (packed: its first texel holds scale in x and
 * apply in y); `read` fetches that texel once per invocation.
 */
function controlPart(inputs: UpdateInputs): { names: string[]; infos: TensorInfo[]; scale: string; apply: string; read: string } {
  if (inputs.control === undefined) return { names: [], infos: [], scale: '', apply: '1.0', read: '' };
  return { names: ['Control'], infos: [inputs.control], scale: ' * ctl.x', apply: 'ctl.y', read: 'vec4 ctl = getControl(0);' };
}

const SGD_UNIFORMS = ['lr', 'mu', 'wd'].map((name) => ({ name, type: 'float' as const }));

/**
 * Update programs read and write packed textures (four values per texel), the layout tfjs's
 * matMul and most of its webgl kernels produce and consume: no pack/unpack program runs between
 * the backward pass, the update and the next forward pass.
 */
const PACKED = { packedInputs: true, packedOutput: true } as const;

function sgdProgram(
  target: SgdTarget,
  inputs: UpdateInputs,
  a: Pick<SgdGroupAttrs, 'nesterov' | 'weightDecay'>,
): { program: WebGLProgramSpec; infos: TensorInfo[] } {
  const c = controlPart(inputs);
  const b = inputs.b;
  const withMomentum = b !== undefined;
  // The buffer's new value needs the parameter only for weight decay: without it, one read less.
  const readsP = target === 'p' || a.weightDecay !== 0;
  const direction = withMomentum ? (a.nesterov ? 'd + mu * b' : 'b') : 'd';
  const next = target === 'b' ? 'b' : `p - lr * (${direction})`;
  const previous = target === 'b' ? 'b0' : 'p';
  const userCode = `
void main() {
  ${c.read}
  ${readsP ? 'vec4 p = getPAtOutCoords();' : ''}
  vec4 d = getGAtOutCoords()${c.scale}${readsP ? ' + wd * p' : ''};
  ${withMomentum ? 'vec4 b0 = getBAtOutCoords(); vec4 b = mu * b0 + d;' : ''}
  vec4 next = ${next};
  setOutput(${c.apply} != 0.0 ? next : ${previous});
}`;
  const names = [...(readsP ? ['P'] : []), 'G', ...(withMomentum ? ['B'] : []), ...c.names];
  const infos = [...(readsP ? [inputs.p] : []), inputs.g, ...(withMomentum ? [b] : []), ...c.infos];
  return {
    program: { variableNames: names, outputShape: [...inputs.p.shape], userCode, customUniforms: SGD_UNIFORMS, ...PACKED },
    infos,
  };
}

/** Adam/AdamW: `m`, `v` from the gradient; `p` from the new moments (inputs `m`, `v` of `p` are the new ones). */
function adamProgram(target: AdamTarget, inputs: UpdateInputs, u: AdamUniforms): { program: WebGLProgramSpec; infos: TensorInfo[] } {
  const { m, v } = inputs;
  if (m === undefined || v === undefined) {
    throw new SolverError('argument', 'webgl Adam program: inputs m and v are required');
  }
  const c = controlPart(inputs);
  const given = target === 'p' ? inputs.total : undefined;
  // The skipped total is element 4 of the control tensor when the step-control kernel put it there.
  const inControl = given !== undefined && given.dataId === inputs.control?.dataId;
  const total = inControl ? undefined : given;
  // Under a skip policy: while the host has not read back a skipped step, its step number is
  // ahead by the skipped steps it has not seen; the bias corrections then come from the device.
  const lagged =
    given === undefined
      ? ''
      : `float lag = ${inControl ? 'ctl.z' : 'getTotal().x'} - knownSkipped;
  if (lag != 0.0) {
    float t = tHost - lag;
    ss = lr / (1.0 - pow(beta1, t));
    ib = inversesqrt(1.0 - pow(beta2, t));
  }`;
  const moment = (name: 'M' | 'V'): string => {
    const coupled = u.coupledWd !== 0 ? ' + coupledWd * getPAtOutCoords()' : '';
    const [beta, rest, d] = name === 'M' ? ['beta1', 'oneMinusBeta1', 'd'] : ['beta2', 'oneMinusBeta2', 'd * d'];
    return `vec4 old = get${name}AtOutCoords();
  vec4 d = getGAtOutCoords()${c.scale}${coupled};
  setOutput(${c.apply} != 0.0 ? ${beta} * old + ${rest} * ${d} : old);`;
  };
  const body =
    target === 'p'
      ? `float ss = stepSize;
  float ib = invSqrtBc2;
  ${lagged}
  vec4 p = getPAtOutCoords();
  vec4 next = decayMul * p - ss * getMAtOutCoords() / (sqrt(getVAtOutCoords()) * ib + eps);
  setOutput(${c.apply} != 0.0 ? next : p);`
      : moment(target === 'm' ? 'M' : 'V');
  const reads: [string, TensorInfo | undefined][] = [
    ['P', target === 'p' || u.coupledWd !== 0 ? inputs.p : undefined],
    ['G', target === 'p' ? undefined : inputs.g],
    ['M', target === 'v' ? undefined : m],
    ['V', target === 'm' ? undefined : v],
    ...c.names.map((n, i): [string, TensorInfo | undefined] => [n, c.infos[i]]),
    ['Total', total],
  ];
  const used = reads.filter((r): r is [string, TensorInfo] => r[1] !== undefined);
  const program: WebGLProgramSpec = {
    variableNames: used.map((r) => r[0]),
    outputShape: [...inputs.p.shape],
    userCode: `
void main() {
  ${c.read}
  ${body}
}`,
    customUniforms: ADAM_UNIFORM_NAMES.map((name) => ({ name, type: 'float' })),
    ...PACKED,
  };
  return { program, infos: used.map((r) => r[1]) };
}

function lionProgram(target: LionTarget, inputs: UpdateInputs): { program: WebGLProgramSpec; infos: TensorInfo[] } {
  const { m } = inputs;
  if (m === undefined) throw new SolverError('argument', 'webgl Lion program: input m is required');
  const c = controlPart(inputs);
  // The new moment does not depend on the parameter: its program does not read it.
  const readsP = target === 'p';
  const next = readsP ? 'decayMul * p - lr * sign(beta1 * m + oneMinusBeta1 * d)' : 'beta2 * m + oneMinusBeta2 * d';
  const userCode = `
void main() {
  ${c.read}
  ${readsP ? 'vec4 p = getPAtOutCoords();' : ''}
  vec4 d = getGAtOutCoords()${c.scale};
  vec4 m = getMAtOutCoords();
  vec4 next = ${next};
  setOutput(${c.apply} != 0.0 ? next : ${readsP ? 'p' : 'm'});
}`;
  const program: WebGLProgramSpec = {
    variableNames: [...(readsP ? ['P'] : []), 'G', 'M', ...c.names],
    outputShape: [...inputs.p.shape],
    userCode,
    customUniforms: LION_UNIFORM_NAMES.map((name) => ({ name, type: 'float' })),
    ...PACKED,
  };
  return { program, infos: [...(readsP ? [inputs.p] : []), inputs.g, m, ...c.infos] };
}

/** GLSL folding `y` into accumulator `acc` (sum, or NaN-propagating max for p = ∞) and the term of an element `x`. */
function reduceSnippets(mode: ReduceMode): { term: string; fold: string } {
  const inf = mode.p === Infinity;
  const term = !mode.first ? 'x' : inf || mode.p === 1 ? 'abs(x)' : mode.p === 2 ? 'x * x' : `pow(abs(x), ${glslFloat(mode.p)})`;
  const fold = inf ? 'acc = (isnan(acc) || isnan(y)) ? (isnan(acc) ? acc : y) : max(acc, y);' : 'acc += y;';
  return { term, fold };
}

/** A float literal GLSL accepts (always with a decimal point or exponent). */
function glslFloat(x: number): string {
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/**
 * Partial reductions: the first level reads the gradients as packed textures (as the backward
 * pass left them), a texel (four values) per iteration; later levels read this program's own
 * unpacked output, a value per iteration. Output unpacked, `[xs.length, blocks]`; `chunk` counts
 * texels at the first level, values later. With `carry` (first level only), one more row holds
 * the old skipped total at column 0, for finishControl.
 */
function partialsProgram(xs: readonly TensorInfo[], mode: ReduceMode, chunk: number, blocks: number, carry?: Carry): WebGLProgramSpec {
  const names = [...xs.map((_, t) => `X${t}`), ...(carry === undefined ? [] : ['Carry'])];
  const { term, fold } = reduceSnippets(mode);
  const inf = mode.p === Infinity;
  const term4 = inf || mode.p === 1 ? 'abs(x4)' : mode.p === 2 ? 'x4 * x4' : `pow(abs(x4), vec4(${glslFloat(mode.p)}))`;
  const fold4 = inf ? ['x', 'y', 'z', 'w'].map((l) => `{ float y = y4.${l}; ${fold} }`).join(' ') : 'acc += (y4.x + y4.y) + (y4.z + y4.w);';
  const parts = xs
    .map((x, t) => {
      if (mode.first) {
        const { texels } = texelLayout(x.shape);
        return `${packedTexelReader(`X${t}`, x.shape)}
float part${t}(int j) {
  float acc = 0.0;
  int start = j * ${chunk};
  for (int k = 0; k < ${chunk}; k++) {
    int q = start + k;
    if (q >= ${texels}) break;
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
  const carried =
    carry === undefined
      ? []
      : [
          `if (tj.x == ${xs.length}) r = tj.y == 0 ? ${carry.tensor.shape.length === 0 ? 'getCarry().x' : `getCarry(${carry.at}).${carry.at % 2 === 0 ? 'x' : 'y'}`} : 0.0;`,
        ];
  const dispatch = [...xs.map((_, t) => `if (tj.x == ${t}) r = part${t}(tj.y);`), ...carried].join(' else ');
  const userCode = `
${parts}
void main() {
  ivec2 tj = getOutputCoords();
  float r = 0.0;
  ${dispatch}
  setOutput(r);
}`;
  const rows = xs.length + (carry === undefined ? 0 : 1);
  return { variableNames: names, outputShape: [rows, blocks], userCode, packedInputs: mode.first, packedOutput: false };
}

/** Element `i` of an unpacked 2-D partials tensor `[k, blocks]` (read row-major). */
function unpackedRowReader(name: string, shape: readonly number[]): string {
  const cols = shape[1] ?? 1;
  return `float read${name}(int i) { int r = i / ${cols}; return ${getter(name)}(r, i - r * ${cols}); }`;
}

/** The p-th root of a sum of |x|^p (identity for p = 1 and p = ∞). */
function rootSnippet(p: number): string {
  return p === Infinity || p === 1 ? 'acc' : p === 2 ? 'sqrt(acc)' : `pow(acc, ${glslFloat(1 / p)})`;
}

function finishProgram(parts: TensorInfo, p: number, global: boolean): WebGLProgramSpec {
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

/**
 * The global norm from the partials and, in the same program, the step's control values, written
 * packed so the update programs read them without a pack program: texel 0 holds (scale, apply),
 * texel 1 (norm, clipped), texel 2 (the new skipped total when the partials carried the old one
 * in their last row, else 0; also in lane z of texel 0). Finite means the norm's exponent bits are not all ones (no NaN, no ∞).
 */
function finishControlProgram(parts: TensorInfo, a: StepControlAttrs, carried: boolean): WebGLProgramSpec {
  const [all = 1, cols = 1] = parts.shape;
  const rows = carried ? all - 1 : all;
  const { fold } = reduceSnippets({ p: a.p, first: false });
  const clip = a.clipValue > 0;
  const userCode = `
void main() {
  float acc = 0.0;
  for (int row = 0; row < ${rows}; row++) {
    for (int col = 0; col < ${cols}; col++) {
      float y = getParts(row, col);
      ${fold}
    }
  }
  float norm = ${rootSnippet(a.p)};
  float finite = (floatBitsToUint(norm) & 0x7fffffffu) < 0x7f800000u ? 1.0 : 0.0;
  float coef = ${clip ? 'clipValue / (norm + 1e-6)' : '1.0'};
  float scale = ${clip ? 'min(coef, 1.0)' : '1.0'};
  float clipped = ${clip ? '(coef < 1.0 ? 1.0 : 0.0)' : '0.0'};
  float apply = ${a.guard ? 'finite' : '1.0'};
  float total = ${carried ? `getParts(${rows}, 0) + 1.0 - apply` : '0.0'};
  int at = getOutputCoords();
  setOutput(at < 2 ? vec4(scale, apply, total, 0.0) : at < 4 ? vec4(norm, clipped, 0.0, 0.0) : vec4(total, 0.0, 0.0, 0.0));
}`;
  return {
    variableNames: ['Parts'],
    outputShape: [6],
    userCode,
    customUniforms: [{ name: 'clipValue', type: 'float' }],
    packedInputs: false,
    packedOutput: true,
  };
}

/** `total + (1 − apply)`, packed in and out. */
const ADD_SKIPPED: WebGLProgramSpec = {
  variableNames: ['Total', 'Control'],
  outputShape: [],
  userCode: `
void main() {
  setOutput(vec4(getTotal().x + (1.0 - getControl(0).y), 0.0, 0.0, 0.0));
}`,
  ...PACKED,
};

/**
 * {@link GpuPrograms} on tfjs's `webgl` backend.
 *
 * @throws SolverError('backend') when the backend does not look like tfjs-backend-webgl 4.22.
 */
export function webglPrograms(backend: unknown): GpuPrograms {
  if (!isWebGLBackend(backend)) {
    throw new SolverError('backend', 'fused GPU kernels: the webgl backend has no runWebGLProgram (expected tfjs-backend-webgl 4.22)');
  }
  const run = (spec: { program: WebGLProgramSpec; infos: TensorInfo[] }, uniforms?: number[][]): TensorInfo =>
    backend.runWebGLProgram(spec.program, spec.infos, 'float32', uniforms ?? null, true);
  // A scalar the engine left unpacked on the GPU is packed once per kernel call, not once per program.
  const packOnce = (info: TensorInfo | undefined, made: TensorInfo[]): TensorInfo | undefined => {
    const data = info === undefined ? undefined : backend.texData.get(info.dataId);
    if (info === undefined || data === undefined || data.isPacked === true || data.texture === null || data.texture === undefined)
      return info;
    const packed = backend.packTensor(info);
    made.push(packed);
    return packed;
  };
  return {
    prepareControls: (control) => {
      const made: TensorInfo[] = [];
      const packed = Object.fromEntries(Object.entries(control).map(([k, info]) => [k, packOnce(info, made)]));
      return {
        control: packed,
        release: () => {
          made.forEach((t) => backend.disposeData(t.dataId));
        },
      };
    },
    // WebGL 2 guarantees 16 texture units per fragment shader.
    maxInputs: 8,
    // One partials program (up to maxInputs gradients, the old total one more texture) carries it.
    foldsTotal: (count) => count <= 8,
    sgd: (target, inputs, a: SgdGroupAttrs) => run(sgdProgram(target, inputs, a), [[a.lr], [a.momentum], [a.weightDecay]]),
    adam: (target, inputs, u) =>
      run(
        adamProgram(target, inputs, u),
        ADAM_UNIFORM_NAMES.map((k) => [u[k]]),
      ),
    lion: (target, inputs, u) =>
      run(
        lionProgram(target, inputs),
        LION_UNIFORM_NAMES.map((k) => [u[k]]),
      ),
    units: (x, mode) => (mode.first ? texelLayout(x.shape).texels : x.shape.reduce((a, b) => a * b, 1)),
    partials: (xs, mode, chunk, blocks, carry) =>
      run({ program: partialsProgram(xs, mode, chunk, blocks, carry), infos: [...xs, ...(carry === undefined ? [] : [carry.tensor])] }),
    finish: (parts, p, global) => run({ program: finishProgram(parts, p, global), infos: [parts] }),
    finishControl: (parts, a, total) =>
      run({ program: finishControlProgram(parts, a, total !== undefined), infos: [parts] }, [[a.clipValue]]),
    addSkipped: (total, control) => {
      const made: TensorInfo[] = [];
      const out = run({ program: ADD_SKIPPED, infos: [packOnce(total, made) as TensorInfo, packOnce(control, made) as TensorInfo] });
      made.forEach((t) => backend.disposeData(t.dataId));
      return out;
    },
    dispose: (info) => {
      backend.disposeData(info.dataId);
    },
    concat: (parts) => concatWith(backend, 'webgl', parts),
  };
}
