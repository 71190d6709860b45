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
  type SgdTarget,
  type UpdateInputs,
} from './gpu.js';
import { mentions, withConstants } from './gpuMulti.js';
import { packedOnce, webglMultiRunner } from './gpuMultiRun.js';
import {
  finishControlProgram,
  finishProgram,
  flatPartialsProgram,
  partialsProgram,
  texelLayout,
  type WebGLProgramSpec,
} from './webglReduce.js';

/**
 * The fused kernels' shader programs for tfjs's `webgl` backend (WebGL 2, GLSL ES 3.00 fragment
 * shaders run through the backend's `runWebGLProgram`). Each program writes one texture;
 * tfjs compiles a program once per source and input shapes and caches it, so the hyperparameters
 * that change from step to step (LR, decay) are uniforms, never part of the source.
 */

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

/**
 * Input list and GLSL of an update's control tensor (packed: its first texel holds scale in x and
 * apply in y); `read` fetches that texel once per invocation.
 */
function controlPart(inputs: UpdateInputs): { names: string[]; infos: TensorInfo[]; scale: string; apply: string; read: string } {
  if (inputs.control === undefined) return { names: [], infos: [], scale: '', apply: '1.0', read: '' };
  return { names: ['Control'], infos: [inputs.control], scale: ' * ctl.x', apply: 'ctl.y', read: 'vec4 ctl = getControl(0);' };
}

/**
 * Update programs read and write packed textures (four values per texel), the layout tfjs's
 * matMul and most of its webgl kernels produce and consume: no pack/unpack program runs between
 * the backward pass, the update and the next forward pass.
 */
const PACKED = { packedInputs: true, packedOutput: true } as const;

/** The betas and their complements (computed in float64 on the host), constant for an optimizer's life. */
const BETAS = ['beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2'];

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
  if (target === 'pb') {
    // Plain momentum: p − lr·b' reads the buffer's new value (b' = b when the step is skipped).
    const userCode = `
void main() {
  ${c.read}
  vec4 p = getPAtOutCoords();
  setOutput(${c.apply} != 0.0 ? p - lr * getBAtOutCoords() : p);
}`;
    const program = { variableNames: [...c.names, 'P', 'B'], outputShape: [...inputs.p.shape], userCode, ...PACKED };
    return { program, infos: [...c.infos, inputs.p, b as TensorInfo] };
  }
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
  const names = [...c.names, ...(readsP ? ['P'] : []), 'G', ...(withMomentum ? ['B'] : [])];
  const infos = [...c.infos, ...(readsP ? [inputs.p] : []), inputs.g, ...(withMomentum ? [b] : [])];
  return {
    program: { variableNames: names, outputShape: [...inputs.p.shape], userCode, ...PACKED },
    infos,
  };
}

/** Adam/AdamW: `m`, `v` from the gradient; `p` from the new moments (inputs `m`, `v` of `p` are the new ones). */
function adamProgram(
  target: AdamTarget,
  inputs: UpdateInputs,
  u: AdamUniforms,
  bias: boolean,
): { program: WebGLProgramSpec; infos: TensorInfo[] } {
  const { m, v } = inputs;
  if (m === undefined || v === undefined) {
    throw new SolverError('argument', 'webgl Adam program: inputs m and v are required');
  }
  const c = controlPart(inputs);
  const given = target === 'p' && !bias ? inputs.total : undefined;
  // The skipped total is element 4 of the control tensor when the step-control kernel put it there.
  const inControl = given !== undefined && given.dataId === inputs.control?.dataId;
  const total = inControl ? undefined : given;
  // Under a skip policy: while the host has not read back a skipped step, its step number is
  // ahead by the skipped steps it has not seen; the bias corrections then come from the device.
  const lagged =
    given === undefined
      ? ''
      : `float lag = ${inControl ? 'getControl(4).x' : 'getTotal().x'} - knownSkipped;
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
      ? `${bias ? 'float ss = lr * ctl.z;\n  float ib = ctl.w;' : 'float ss = stepSize;\n  float ib = invSqrtBc2;'}
  ${lagged}
  vec4 p = getPAtOutCoords();
  vec4 next = decayMul * p - ss * getMAtOutCoords() / (sqrt(getVAtOutCoords()) * ib + eps);
  setOutput(${c.apply} != 0.0 ? next : p);`
      : moment(target === 'm' ? 'M' : 'V');
  // The control first: every update program binds it to the same texture unit.
  const reads: [string, TensorInfo | undefined][] = [
    ...c.names.map((n, i): [string, TensorInfo | undefined] => [n, c.infos[i]]),
    ['G', target === 'p' ? undefined : inputs.g],
    ['P', target === 'p' || u.coupledWd !== 0 ? inputs.p : undefined],
    ['M', target === 'v' ? undefined : m],
    ['V', target === 'm' ? undefined : v],
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
    variableNames: [...c.names, ...(readsP ? ['P'] : []), 'G', 'M'],
    outputShape: [...inputs.p.shape],
    userCode,
    ...PACKED,
  };
  return { program, infos: [...c.infos, ...(readsP ? [inputs.p] : []), inputs.g, m] };
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
  // Each uniform set and each input bound is a GL call per program, and on SwiftShader those calls
  // are a large part of a small program's cost: the hyperparameters fixed for an optimizer's life
  // (`constants`: betas, ε, momentum) are written into the source, and of the others only those
  // the code reads are declared and set.
  const runNamed = (
    spec: { program: WebGLProgramSpec; infos: TensorInfo[] },
    values: Readonly<Record<string, number>>,
    constants: readonly string[],
  ): TensorInfo => {
    const userCode = withConstants(spec.program.userCode, Object.fromEntries(constants.map((n) => [n, values[n] as number])));
    const names = Object.keys(values).filter((n) => !constants.includes(n) && mentions(userCode, n));
    const program = { ...spec.program, userCode, customUniforms: names.map((name) => ({ name, type: 'float' as const })) };
    return run(
      { program, infos: spec.infos },
      names.map((n) => [values[n] as number]),
    );
  };
  // A scalar the engine left unpacked on the GPU is packed once per kernel call, not once per program.
  const packOnce = (info: TensorInfo | undefined, made: TensorInfo[]): TensorInfo | undefined =>
    info === undefined ? undefined : packedOnce(backend, info, made);
  return {
    multi: webglMultiRunner(backend),
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
    sgd: (target, inputs, a: SgdGroupAttrs) =>
      runNamed(sgdProgram(target, inputs, a), { lr: a.lr, mu: a.momentum, wd: a.weightDecay }, ['mu']),
    adam: (target, inputs, u, bias = false) =>
      runNamed(adamProgram(target, inputs, u, bias), Object.fromEntries(ADAM_UNIFORM_NAMES.map((k) => [k, u[k]])), [...BETAS, 'eps']),
    lion: (target, inputs, u) => runNamed(lionProgram(target, inputs), Object.fromEntries(LION_UNIFORM_NAMES.map((k) => [k, u[k]])), BETAS),
    units: (x, mode) => (mode.first ? texelLayout(x.shape).texels : x.shape.reduce((a, b) => a * b, 1)),
    partials: (xs, mode, chunk, blocks, carry) =>
      mode.flat === true && mode.first
        ? run({
            program: flatPartialsProgram(xs, mode, chunk, blocks, carry),
            infos: [...xs, ...(carry === undefined ? [] : [carry.tensor])],
          })
        : run({ program: partialsProgram(xs, mode, chunk, blocks), infos: [...xs] }),
    finish: (parts, p, global) => run({ program: finishProgram(parts, p, global), infos: [parts] }),
    finishControl: (parts, a, total) => {
      const program = finishControlProgram(parts, a, total !== undefined);
      const bias = program.customUniforms?.length === 1 ? [] : (a.bias ?? []).map((x) => [x]);
      return run({ program, infos: [parts] }, [[a.clipValue], ...bias]);
    },
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
