import type { TensorInfo } from '@tensorflow/tfjs';
import { SolverError } from '../../errors.js';
import type { SgdGroupAttrs } from '../sgd.js';
import {
  ADAM_UNIFORM_NAMES,
  type AdamTarget,
  type AdamUniforms,
  type GpuPrograms,
  type LionTarget,
  type LionUniforms,
  type ReduceMode,
  type SgdTarget,
  type UpdateInputs,
} from './gpu.js';
import { concatWith } from './webgl.js';

/**
 * The fused kernels' compute shaders for tfjs's `webgpu` backend (WGSL, run through the backend's
 * `runWebGPUProgram`). tfjs-backend-webgpu binds every input as a flat storage array named after
 * it (`P[i]`), the output as `result` (written by `setOutputAtIndex`) and the per-call numbers as
 * fields of `uniforms`. It caches a pipeline per `shaderKey` plus input ranks and dtypes, so the
 * key names every choice baked into the source, and sizes and hyperparameters are uniforms.
 */

/** A program as tfjs-backend-webgpu 4.22 runs it (its `WebGPUProgram`). */
interface WebGPUProgramSpec {
  readonly variableNames: string[];
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number];
  readonly size: boolean;
  readonly uniforms?: string;
  /** Values per invocation of the output (4: vec4<f32>) and of each input. */
  readonly outputComponent?: number;
  readonly variableComponents?: number[];
  getUserCode(): string;
}

/** A uniform value as runWebGPUProgram takes it. */
interface ProgramUniform {
  readonly type: 'float32' | 'int32';
  readonly data: number[];
}

/** The parts of tfjs-backend-webgpu's `WebGPUBackend` used here. */
interface WebGPUBackendShape {
  runWebGPUProgram(program: WebGPUProgramSpec, inputs: TensorInfo[], outputDtype: 'float32', uniforms?: ProgramUniform[]): TensorInfo;
  disposeData(dataId: object): boolean;
}

function isWebGPUBackend(backend: unknown): backend is WebGPUBackendShape {
  const b = backend as Partial<WebGPUBackendShape>;
  return typeof b.runWebGPUProgram === 'function' && typeof b.disposeData === 'function';
}

const WORKGROUP = 64;

function program(
  key: string,
  variableNames: string[],
  outputShape: number[],
  code: string,
  uniforms: string,
  invocations = outputShape.reduce((a, b) => a * b, 1),
  components: number[] | null = null,
): WebGPUProgramSpec {
  const vectorized = components !== null;
  return {
    variableNames,
    outputShape,
    shaderKey: `tfjsSolver_${key}${vectorized ? '_vec4' : ''}`,
    ...(vectorized ? { outputComponent: 4, variableComponents: components } : {}),
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.max(1, Math.ceil(invocations / (vectorized ? 4 : 1) / WORKGROUP)), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
    ...(uniforms === '' ? {} : { uniforms }),
    getUserCode: () => `fn main(index : i32) {\n  if (index < uniforms.size) {\n${code}\n  }\n}`,
  };
}

/** The update programs work on four values per invocation when the size allows it (as tfjs's own elementwise programs do). */
function elementwise(key: string, names: string[], shape: number[], code: string, uniforms: string): WebGPUProgramSpec {
  const size = shape.reduce((a, b) => a * b, 1);
  const scalars = new Set(['Scale', 'Apply']);
  const components = size % 4 === 0 && size > 0 ? names.map((n) => (scalars.has(n) ? 1 : 4)) : null;
  return program(key, names, shape, code, uniforms, size, components);
}

const f32 = (x: number): ProgramUniform => ({ type: 'float32', data: [x] });
const i32 = (x: number): ProgramUniform => ({ type: 'int32', data: [x] });

/** A float literal WGSL accepts. */
function wgslFloat(x: number): string {
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** Input list and WGSL of an update's optional scalars. */
function controlPart(inputs: UpdateInputs): { names: string[]; infos: TensorInfo[]; scale: string; apply: string } {
  const names = [...(inputs.scale === undefined ? [] : ['Scale']), ...(inputs.apply === undefined ? [] : ['Apply'])];
  const infos = [inputs.scale, inputs.apply].filter((x): x is TensorInfo => x !== undefined);
  return {
    names,
    infos,
    scale: inputs.scale === undefined ? '' : ' * f32(Scale[0])',
    apply: inputs.apply === undefined ? '1.0' : 'f32(Apply[0])',
  };
}

function sgdProgram(target: SgdTarget, inputs: UpdateInputs, nesterov: boolean): { program: WebGPUProgramSpec; infos: TensorInfo[] } {
  const c = controlPart(inputs);
  const b = inputs.b;
  const withMomentum = b !== undefined;
  const direction = withMomentum ? (nesterov ? 'dv + uniforms.mu * bv' : 'bv') : 'dv';
  const code = `
    let pv = P[index];
    let dv = G[index]${c.scale} + uniforms.wd * pv;
    ${withMomentum ? 'let bv = uniforms.mu * B[index] + dv;' : ''}
    var chosen = ${target === 'b' ? 'bv' : `pv - uniforms.lr * (${direction})`};
    if (${c.apply} == 0.0) { chosen = ${target === 'b' ? 'B[index]' : 'pv'}; }
    setOutputAtIndex(index, chosen);`;
  const names = ['P', 'G', ...(withMomentum ? ['B'] : []), ...c.names];
  const key = `sgd_${target}_${nesterov ? 'nesterov' : 'plain'}`;
  return {
    program: elementwise(key, names, [...inputs.p.shape], code, 'lr : f32, mu : f32, wd : f32,'),
    infos: [inputs.p, inputs.g, ...(withMomentum ? [b] : []), ...c.infos],
  };
}

function adamProgram(target: AdamTarget, inputs: UpdateInputs): { program: WebGPUProgramSpec; infos: TensorInfo[] } {
  const { m, v } = inputs;
  if (m === undefined || v === undefined) {
    throw new SolverError('argument', 'webgpu Adam program: inputs m and v are required');
  }
  const c = controlPart(inputs);
  const u = (k: keyof AdamUniforms): string => `uniforms.${k}`;
  const results: Record<AdamTarget, string> = {
    m: 'mv',
    v: 'vv',
    p: `${u('decayMul')} * pv - ${u('stepSize')} * mv / (sqrt(vv) * ${u('invSqrtBc2')} + ${u('eps')})`,
  };
  const previous: Record<AdamTarget, string> = { m: 'M[index]', v: 'V[index]', p: 'pv' };
  const code = `
    let pv = P[index];
    let dv = G[index]${c.scale} + ${u('coupledWd')} * pv;
    let mv = ${u('beta1')} * M[index] + ${u('oneMinusBeta1')} * dv;
    let vv = ${u('beta2')} * V[index] + ${u('oneMinusBeta2')} * dv * dv;
    var chosen = ${results[target]};
    if (${c.apply} == 0.0) { chosen = ${previous[target]}; }
    setOutputAtIndex(index, chosen);`;
  const uniforms = ADAM_UNIFORM_NAMES.map((k) => `${k} : f32,`).join(' ');
  return {
    program: elementwise(`adam_${target}`, ['P', 'G', 'M', 'V', ...c.names], [...inputs.p.shape], code, uniforms),
    infos: [inputs.p, inputs.g, m, v, ...c.infos],
  };
}

const LION_UNIFORM_NAMES: readonly (keyof LionUniforms)[] = ['lr', 'beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'decayMul'];

function lionProgram(target: LionTarget, inputs: UpdateInputs): { program: WebGPUProgramSpec; infos: TensorInfo[] } {
  const { m } = inputs;
  if (m === undefined) throw new SolverError('argument', 'webgpu Lion program: input m is required');
  const c = controlPart(inputs);
  const u = (k: keyof LionUniforms): string => `uniforms.${k}`;
  const next =
    target === 'p'
      ? `${u('decayMul')} * pv - ${u('lr')} * sign(${u('beta1')} * mv + ${u('oneMinusBeta1')} * dv)`
      : `${u('beta2')} * mv + ${u('oneMinusBeta2')} * dv`;
  const code = `
    let pv = P[index];
    let dv = G[index]${c.scale};
    let mv = M[index];
    var chosen = ${next};
    if (${c.apply} == 0.0) { chosen = ${target === 'p' ? 'pv' : 'mv'}; }
    setOutputAtIndex(index, chosen);`;
  const uniforms = LION_UNIFORM_NAMES.map((k) => `${k} : f32,`).join(' ');
  return {
    program: elementwise(`lion_${target}`, ['P', 'G', 'M', ...c.names], [...inputs.p.shape], code, uniforms),
    infos: [inputs.p, inputs.g, m, ...c.infos],
  };
}

/** WGSL of the term of an element and of folding `y` into `acc` (sum, or NaN-propagating max for p = ∞). */
function reduceSnippets(mode: ReduceMode): { term: string; fold: string } {
  const inf = mode.p === Infinity;
  const term = !mode.first ? 'x' : inf || mode.p === 1 ? 'abs(x)' : mode.p === 2 ? 'x * x' : `pow(abs(x), ${wgslFloat(mode.p)})`;
  const fold = inf ? 'if (isnan(y) || isnan(acc)) { if (!isnan(acc)) { acc = y; } } else { acc = max(acc, y); }' : 'acc = acc + y;';
  return { term, fold };
}

function modeKey(mode: ReduceMode): string {
  return `${mode.first ? 'grads' : 'parts'}_p${String(mode.p)}`;
}

function partialsProgram(xs: readonly TensorInfo[], mode: ReduceMode, blocks: number): WebGPUProgramSpec {
  const names = xs.map((_, t) => `X${t}`);
  const { term, fold } = reduceSnippets(mode);
  const loops = xs
    .map(
      (_, t) => `if (row == ${t}) {
      let stop = min(start + uniforms.chunk, uniforms.n${t});
      for (var i = start; i < stop; i = i + 1) { let x = X${t}[i]; let y = ${term}; ${fold} }
    }`,
    )
    .join(' else ');
  const code = `
    let row = index / uniforms.blocks;
    let start = (index - row * uniforms.blocks) * uniforms.chunk;
    var acc : f32 = 0.0;
    ${loops}
    setOutputAtIndex(index, acc);`;
  const uniforms = [...xs.map((_, t) => `n${t} : i32,`), 'chunk : i32, blocks : i32,'].join(' ');
  return program(`partials_${modeKey(mode)}`, names, [xs.length, blocks], code, uniforms);
}

function finishProgram(parts: TensorInfo, p: number, global: boolean): WebGPUProgramSpec {
  const [rows = 1] = parts.shape;
  const { fold } = reduceSnippets({ p, first: false });
  const root = p === Infinity || p === 1 ? 'acc' : p === 2 ? 'sqrt(acc)' : `pow(acc, ${wgslFloat(1 / p)})`;
  const range = global
    ? 'let lo = 0; let hi = uniforms.rows * uniforms.cols;'
    : 'let lo = index * uniforms.cols; let hi = lo + uniforms.cols;';
  const code = `
    ${range}
    var acc : f32 = 0.0;
    for (var i = lo; i < hi; i = i + 1) { let y = Parts[i]; ${fold} }
    setOutputAtIndex(index, ${root});`;
  return program(`finish_${global ? 'global' : 'rows'}_p${String(p)}`, ['Parts'], global ? [] : [rows], code, 'rows : i32, cols : i32,');
}

/**
 * {@link GpuPrograms} on tfjs's `webgpu` backend.
 *
 * @throws SolverError('backend') when the backend does not look like tfjs-backend-webgpu 4.22.
 */
export function webgpuPrograms(backend: unknown): GpuPrograms {
  if (!isWebGPUBackend(backend)) {
    throw new SolverError('backend', 'fused GPU kernels: the webgpu backend has no runWebGPUProgram (expected tfjs-backend-webgpu 4.22)');
  }
  const run = (spec: { program: WebGPUProgramSpec; infos: TensorInfo[] }, uniforms?: ProgramUniform[]): TensorInfo =>
    backend.runWebGPUProgram(spec.program, spec.infos, 'float32', uniforms);
  const size = (x: TensorInfo): number => x.shape.reduce((a, b) => a * b, 1);
  return {
    prepareControls: (control) => ({ control, release: () => undefined }),
    // WebGPU's default limit is 8 storage buffers per shader stage; the output takes one.
    maxInputs: 7,
    sgd: (target, inputs, a: SgdGroupAttrs) =>
      run(sgdProgram(target, inputs, a.nesterov), [f32(a.lr), f32(a.momentum), f32(a.weightDecay)]),
    adam: (target, inputs, u) =>
      run(
        adamProgram(target, inputs),
        ADAM_UNIFORM_NAMES.map((k) => f32(u[k])),
      ),
    lion: (target, inputs, u) =>
      run(
        lionProgram(target, inputs),
        LION_UNIFORM_NAMES.map((k) => f32(u[k])),
      ),
    units: (x) => size(x),
    partials: (xs, mode, chunk, blocks) =>
      run({ program: partialsProgram(xs, mode, blocks), infos: [...xs] }, [...xs.map((x) => i32(size(x))), i32(chunk), i32(blocks)]),
    finish: (parts, p, global) => {
      const [rows = 1, cols = 1] = parts.shape;
      return run({ program: finishProgram(parts, p, global), infos: [parts] }, [i32(rows), i32(cols)]);
    },
    dispose: (info) => {
      backend.disposeData(info.dataId);
    },
    concat: (parts) => concatWith(backend, 'webgpu', parts),
  };
}
