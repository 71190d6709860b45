import type { TensorInfo } from '@tensorflow/tfjs';
import { SolverError } from '../../errors.js';
import type { SgdGroupAttrs } from '../sgd.js';
import {
  ADAM_UNIFORM_NAMES,
  LION_UNIFORM_NAMES,
  concatWith,
  type AdamTarget,
  type AdamUniforms,
  type GpuPrograms,
  type LionTarget,
  type LionUniforms,
  type ReduceMode,
  type SgdTarget,
  type StepControlAttrs,
  type UpdateInputs,
} from './gpu.js';
import { floatLiteral } from './gpuMulti.js';
import { webgpuMultiRunner } from './gpuMultiRun.js';

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
  const scalars = new Set(['Control', 'Total']);
  const components = size % 4 === 0 && size > 0 ? names.map((n) => (scalars.has(n) ? 1 : 4)) : null;
  return program(key, names, shape, code, uniforms, size, components);
}

const f32 = (x: number): ProgramUniform => ({ type: 'float32', data: [x] });
const i32 = (x: number): ProgramUniform => ({ type: 'int32', data: [x] });

/** Input list and WGSL of an update's control tensor (scale at 0, apply at 1). */
function controlPart(inputs: UpdateInputs): { names: string[]; infos: TensorInfo[]; scale: string; apply: string } {
  if (inputs.control === undefined) return { names: [], infos: [], scale: '', apply: '1.0' };
  return { names: ['Control'], infos: [inputs.control], scale: ' * f32(Control[0])', apply: 'f32(Control[1])' };
}

/** Inputs actually read, as `[name, tensor]` pairs (absent ones dropped). */
function used(reads: [string, TensorInfo | undefined][]): { names: string[]; infos: TensorInfo[] } {
  const kept = reads.filter((r): r is [string, TensorInfo] => r[1] !== undefined);
  return { names: kept.map((r) => r[0]), infos: kept.map((r) => r[1]) };
}

function sgdProgram(target: SgdTarget, inputs: UpdateInputs, a: SgdGroupAttrs): { program: WebGPUProgramSpec; infos: TensorInfo[] } {
  const c = controlPart(inputs);
  const b = inputs.b;
  if (target === 'pb') {
    // Plain momentum: p − lr·b' reads the buffer's new value (b' = b when the step is skipped).
    const code = `
    let pv = P[index];
    var chosen = pv - uniforms.lr * B[index];
    if (${c.apply} == 0.0) { chosen = pv; }
    setOutputAtIndex(index, chosen);`;
    const io = used([['P', inputs.p], ['B', b], ...c.names.map((n, i): [string, TensorInfo | undefined] => [n, c.infos[i]])]);
    return { program: elementwise('sgd_pb', io.names, [...inputs.p.shape], code, 'lr : f32, mu : f32, wd : f32,'), infos: io.infos };
  }
  const withMomentum = b !== undefined;
  // The buffer's new value needs the parameter only for weight decay.
  const readsP = target === 'p' || a.weightDecay !== 0;
  const direction = withMomentum ? (a.nesterov ? 'dv + uniforms.mu * bv' : 'bv') : 'dv';
  const code = `
    ${readsP ? 'let pv = P[index];' : ''}
    let dv = G[index]${c.scale}${readsP ? ' + uniforms.wd * pv' : ''};
    ${withMomentum ? 'let b0 = B[index]; let bv = uniforms.mu * b0 + dv;' : ''}
    var chosen = ${target === 'b' ? 'bv' : `pv - uniforms.lr * (${direction})`};
    if (${c.apply} == 0.0) { chosen = ${target === 'b' ? 'b0' : 'pv'}; }
    setOutputAtIndex(index, chosen);`;
  const io = used([
    ['P', readsP ? inputs.p : undefined],
    ['G', inputs.g],
    ['B', b],
    ...c.names.map((n, i): [string, TensorInfo | undefined] => [n, c.infos[i]]),
  ]);
  const key = `sgd_${target}_${a.nesterov ? 'nesterov' : 'plain'}_${readsP ? 'p' : 'nop'}`;
  return { program: elementwise(key, io.names, [...inputs.p.shape], code, 'lr : f32, mu : f32, wd : f32,'), infos: io.infos };
}

/** Adam/AdamW: `m`, `v` from the gradient; `p` from the new moments (inputs `m`, `v` of `p` are the new ones). */
function adamProgram(
  target: AdamTarget,
  inputs: UpdateInputs,
  u: AdamUniforms,
  bias: boolean,
): { program: WebGPUProgramSpec; infos: TensorInfo[] } {
  const { m, v } = inputs;
  if (m === undefined || v === undefined) {
    throw new SolverError('argument', 'webgpu Adam program: inputs m and v are required');
  }
  const c = controlPart(inputs);
  const k = (name: keyof AdamUniforms): string => `uniforms.${name}`;
  // The skipped total sits in the control tensor itself when the backend folded it there.
  const total = target === 'p' && !bias ? inputs.total : undefined;
  const totalIn = total !== undefined && total.dataId === inputs.control?.dataId ? 'Control' : 'Total';
  // See the webgl program: the device corrects the host's step number after an unseen skipped step.
  const lagged =
    total === undefined
      ? ''
      : `let lag = f32(${totalIn}[i32(${k('totalAt')})]) - ${k('knownSkipped')};
    if (lag != 0.0) {
      let t = ${k('tHost')} - lag;
      ss = ${k('lr')} / (1.0 - pow(${k('beta1')}, t));
      ib = inverseSqrt(1.0 - pow(${k('beta2')}, t));
    }`;
  const moment = (name: 'M' | 'V'): string => {
    const coupled = u.coupledWd !== 0 ? ` + ${k('coupledWd')} * P[index]` : '';
    const [beta, rest, d] = name === 'M' ? ['beta1', 'oneMinusBeta1', 'dv'] : ['beta2', 'oneMinusBeta2', 'dv * dv'];
    return `let old = ${name}[index];
    let dv = G[index]${c.scale}${coupled};
    var chosen = ${k(beta as keyof AdamUniforms)} * old + ${k(rest as keyof AdamUniforms)} * ${d};
    if (${c.apply} == 0.0) { chosen = old; }
    setOutputAtIndex(index, chosen);`;
  };
  const code =
    target === 'p'
      ? `var ss = ${bias ? `${k('lr')} * f32(Control[5])` : k('stepSize')};
    var ib = ${bias ? 'f32(Control[6])' : k('invSqrtBc2')};
    ${lagged}
    let pv = P[index];
    var chosen = ${k('decayMul')} * pv - ss * M[index] / (sqrt(V[index]) * ib + ${k('eps')});
    if (${c.apply} == 0.0) { chosen = pv; }
    setOutputAtIndex(index, chosen);`
      : moment(target === 'm' ? 'M' : 'V');
  const uniforms = ADAM_UNIFORM_NAMES.map((name) => `${name} : f32,`).join(' ');
  const io = used([
    ['P', target === 'p' || u.coupledWd !== 0 ? inputs.p : undefined],
    ['G', target === 'p' ? undefined : inputs.g],
    ['M', target === 'v' ? undefined : m],
    ['V', target === 'm' ? undefined : v],
    ...c.names.map((n, i): [string, TensorInfo | undefined] => [n, c.infos[i]]),
    ['Total', totalIn === 'Total' ? total : undefined],
  ]);
  const key = `adam_${target}_${io.names.join('')}_${totalIn}${bias ? '_bias' : ''}`;
  return { program: elementwise(key, io.names, [...inputs.p.shape], code, uniforms), infos: io.infos };
}

function lionProgram(target: LionTarget, inputs: UpdateInputs): { program: WebGPUProgramSpec; infos: TensorInfo[] } {
  const { m } = inputs;
  if (m === undefined) throw new SolverError('argument', 'webgpu Lion program: input m is required');
  const c = controlPart(inputs);
  const u = (k: keyof LionUniforms): string => `uniforms.${k}`;
  const readsP = target === 'p';
  const next = readsP
    ? `${u('decayMul')} * pv - ${u('lr')} * sign(${u('beta1')} * mv + ${u('oneMinusBeta1')} * dv)`
    : `${u('beta2')} * mv + ${u('oneMinusBeta2')} * dv`;
  const code = `
    ${readsP ? 'let pv = P[index];' : ''}
    let dv = G[index]${c.scale};
    let mv = M[index];
    var chosen = ${next};
    if (${c.apply} == 0.0) { chosen = ${readsP ? 'pv' : 'mv'}; }
    setOutputAtIndex(index, chosen);`;
  const uniforms = LION_UNIFORM_NAMES.map((k) => `${k} : f32,`).join(' ');
  const io = used([
    ['P', readsP ? inputs.p : undefined],
    ['G', inputs.g],
    ['M', m],
    ...c.names.map((n, i): [string, TensorInfo | undefined] => [n, c.infos[i]]),
  ]);
  return { program: elementwise(`lion_${target}_${io.names.join('')}`, io.names, [...inputs.p.shape], code, uniforms), infos: io.infos };
}

/** WGSL of the term of an element and of folding `y` into `acc` (sum, or NaN-propagating max for p = ∞). */
function reduceSnippets(mode: ReduceMode): { term: string; fold: string } {
  const inf = mode.p === Infinity;
  const term = !mode.first ? 'x' : inf || mode.p === 1 ? 'abs(x)' : mode.p === 2 ? 'x * x' : `pow(abs(x), ${floatLiteral(mode.p)})`;
  const fold = inf ? 'if (isnan(y) || isnan(acc)) { if (!isnan(acc)) { acc = y; } } else { acc = max(acc, y); }' : 'acc = acc + y;';
  return { term, fold };
}

function modeKey(mode: ReduceMode): string {
  return `${mode.first ? 'grads' : 'parts'}_p${String(mode.p)}`;
}

/** Whether a flat partials program reads `x` four values at a time (its size a multiple of 4). */
const byFour = (x: TensorInfo): boolean => x.shape.reduce((a, b) => a * b, 1) % 4 === 0;

/**
 * The flat first level of a global norm: invocation j reduces units `[j·chunk, (j+1)·chunk)` of the
 * gradients taken one after another, a unit being four values (vec4 loads) for a tensor whose size
 * is a multiple of 4, else one. Output `[1, blocks]`.
 */
function flatPartialsProgram(xs: readonly TensorInfo[], mode: ReduceMode, blocks: number): WebGPUProgramSpec {
  const { term, fold } = reduceSnippets(mode);
  const lanes = ['x', 'y', 'z', 'w'].map((l) => `{ let y = y4.${l}; ${fold} }`).join(' ');
  const fold4 = mode.p === Infinity ? lanes : 'acc = acc + ((y4.x + y4.y) + (y4.z + y4.w));';
  const loops = xs.map((x, t) => {
    const term4 = term.startsWith('pow') ? `pow(abs(x), vec4<f32>(${floatLiteral(mode.p)}))` : term;
    const body = byFour(x) ? `let x = X${t}[i]; let y4 = ${term4}; ${fold4}` : `let x = X${t}[i]; let y = ${term}; ${fold}`;
    return `{
      let lo = max(start, uniforms.o${t}) - uniforms.o${t};
      let hi = min(stop, uniforms.o${t} + uniforms.n${t}) - uniforms.o${t};
      for (var i = lo; i < hi; i = i + 1) { ${body} }
    }`;
  });
  const code = `
    let start = index * uniforms.chunk;
    let stop = start + uniforms.chunk;
    var acc : f32 = 0.0;
    ${loops.join('\n    ')}
    setOutputAtIndex(index, acc);`;
  const uniforms = [...xs.map((_, t) => `o${t} : i32, n${t} : i32,`), 'chunk : i32, blocks : i32,'].join(' ');
  const spec = program(
    `flat_${modeKey(mode)}_${xs.map((x) => (byFour(x) ? 4 : 1)).join('')}`,
    xs.map((_, t) => `X${t}`),
    [1, blocks],
    code,
    uniforms,
  );
  return { ...spec, variableComponents: xs.map((x) => (byFour(x) ? 4 : 1)) };
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
  const root = p === Infinity || p === 1 ? 'acc' : p === 2 ? 'sqrt(acc)' : `pow(acc, ${floatLiteral(1 / p)})`;
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
 * The global norm from the partials and the step's control values `[scale, apply, norm, clipped]`,
 * by one invocation; with `Total`, element 4 is the new skipped total (`Total[totalAt]` + 1 − apply).
 */
/** Adam's bias corrections as elements 5 and 6 (see the webgl step-control program). */
const BIAS_SNIPPET = `var bc1 = uniforms.bc1Host;
      var ib = uniforms.ibHost;
      let lag = total - uniforms.known;
      if (lag != 0.0) {
        let t = uniforms.tHost - lag;
        bc1 = 1.0 / (1.0 - pow(uniforms.beta1, t));
        ib = inverseSqrt(1.0 - pow(uniforms.beta2, t));
      }
      setOutputAtIndex(5, bc1);
      setOutputAtIndex(6, ib);`;

function finishControlProgram(a: StepControlAttrs, withTotal: boolean): WebGPUProgramSpec {
  const bias = withTotal && a.guard && a.bias !== undefined && a.bias.length === 6;
  const { fold } = reduceSnippets({ p: a.p, first: false });
  const root = a.p === Infinity || a.p === 1 ? 'acc' : a.p === 2 ? 'sqrt(acc)' : `pow(acc, ${floatLiteral(1 / a.p)})`;
  const clip = a.clipValue > 0;
  const code = `
    if (index == 0) {
      var acc : f32 = 0.0;
      for (var i = 0; i < uniforms.rows * uniforms.cols; i = i + 1) { let y = Parts[i]; ${fold} }
      let norm = ${root};
      let finite = select(0.0, 1.0, (bitcast<u32>(norm) & 0x7fffffffu) < 0x7f800000u);
      let coef = ${clip ? 'uniforms.clipValue / (norm + 1e-6)' : '1.0'};
      setOutputAtIndex(0, ${clip ? 'min(coef, 1.0)' : '1.0'});
      setOutputAtIndex(1, ${a.guard ? 'finite' : '1.0'});
      setOutputAtIndex(2, norm);
      setOutputAtIndex(3, ${clip ? 'select(0.0, 1.0, coef < 1.0)' : '0.0'});
      ${withTotal ? `let total = f32(Total[uniforms.totalAt]) + 1.0 - ${a.guard ? 'finite' : '1.0'};\n      setOutputAtIndex(4, total);` : ''}
      ${bias ? BIAS_SNIPPET : ''}
    }`;
  const key = `control_p${String(a.p)}_${clip ? 'clip' : 'noclip'}_${a.guard ? 'guard' : 'noguard'}_${withTotal ? 'total' : ''}${bias ? '_bias' : ''}`;
  const names = ['Parts', ...(withTotal ? ['Total'] : [])];
  const uniforms = `rows : i32, cols : i32, clipValue : f32, totalAt : i32,${bias ? ' beta1 : f32, beta2 : f32, tHost : f32, known : f32, bc1Host : f32, ibHost : f32,' : ''}`;
  return program(key, names, [bias ? 7 : withTotal ? 5 : 4], code, uniforms);
}

/**
 * `total + (1 − apply)` (the step-control kernel folds it into finishControl instead). A new object
 * per run: tfjs-backend-webgpu rewrites a program's shaderKey when it runs it.
 */
const addSkippedProgram = (): WebGPUProgramSpec =>
  program('add_skipped', ['Total', 'Control'], [], 'setOutputAtIndex(index, Total[0] + (1.0 - Control[1]));', '');

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
    multi: webgpuMultiRunner(backend),
    prepareControls: (control) => ({ control, release: () => undefined }),
    // WebGPU's default limit is 8 storage buffers per shader stage; the output takes one.
    maxInputs: 7,
    sgd: (target, inputs, a: SgdGroupAttrs) => run(sgdProgram(target, inputs, a), [f32(a.lr), f32(a.momentum), f32(a.weightDecay)]),
    adam: (target, inputs, u, bias = false) =>
      run(
        adamProgram(target, inputs, u, bias),
        ADAM_UNIFORM_NAMES.map((k) => f32(u[k])),
      ),
    lion: (target, inputs, u) =>
      run(
        lionProgram(target, inputs),
        LION_UNIFORM_NAMES.map((k) => f32(u[k])),
      ),
    units: (x, mode) => (mode.flat === true && mode.first && byFour(x) ? size(x) / 4 : size(x)),
    partials: (xs, mode, chunk, blocks) => {
      if (mode.flat !== true || !mode.first) {
        const sizes = xs.map((x) => i32(size(x)));
        return run({ program: partialsProgram(xs, mode, blocks), infos: [...xs] }, [...sizes, i32(chunk), i32(blocks)]);
      }
      let offset = 0;
      const ranges = xs.flatMap((x) => {
        const units = byFour(x) ? size(x) / 4 : size(x);
        offset += units;
        return [i32(offset - units), i32(units)];
      });
      return run({ program: flatPartialsProgram(xs, mode, blocks), infos: [...xs] }, [...ranges, i32(chunk), i32(blocks)]);
    },
    finish: (parts, p, global) => {
      const [rows = 1, cols = 1] = parts.shape;
      return run({ program: finishProgram(parts, p, global), infos: [parts] }, [i32(rows), i32(cols)]);
    },
    foldsTotal: () => true,
    finishControl: (parts, a, total) => {
      const [rows = 1, cols = 1] = parts.shape;
      const infos = [parts, ...(total === undefined ? [] : [total])];
      const bias = total !== undefined && a.guard && a.bias?.length === 6 ? a.bias.map(f32) : [];
      return run({ program: finishControlProgram(a, total !== undefined), infos }, [
        i32(rows),
        i32(cols),
        f32(a.clipValue),
        i32(a.totalAt),
        ...bias,
      ]);
    },
    addSkipped: (total, control) => run({ program: addSkippedProgram(), infos: [total, control] }),
    dispose: (info) => {
      backend.disposeData(info.dataId);
    },
    concat: (parts) => concatWith(backend, 'webgpu', parts),
  };
}
