import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import { SolverError } from '../../errors.js';
import { type MultiRunner, type MultiUpdate, type ShaderLanguage, withConstants } from './gpuMulti.js';
import { texelLayout } from './webglReduce.js';

/**
 * The runners of the GPU updates that write several tensors in one program (see gpuMulti.ts): a
 * fragment shader drawing into several render targets on webgl, a compute shader writing several
 * storage buffers on webgpu. Both compile our own source and record it as the backend records its
 * own programs, into the backend's textures and buffers, through the parts of tfjs-backend-webgl
 * and tfjs-backend-webgpu 4.22 declared below (checked at run time: a backend without them gets
 * no runner, and the updates run one program per output).
 */

// ---------------------------------------------------------------------------------------------
// webgl: one draw into several render targets (WebGL 2 `drawBuffers`).

/** The parts of WebGL 2 used here (numbers are the context's own constants). */
interface GL2 {
  readonly FRAGMENT_SHADER: number;
  readonly COMPILE_STATUS: number;
  readonly FRAMEBUFFER: number;
  readonly TEXTURE_2D: number;
  readonly COLOR_ATTACHMENT0: number;
  createShader(type: number): object | null;
  shaderSource(shader: object, source: string): void;
  compileShader(shader: object): void;
  getShaderParameter(shader: object, name: number): unknown;
  getShaderInfoLog(shader: object): string | null;
  getUniformLocation(program: object, name: string): object | null;
  uniform1f(location: object | null, x: number): void;
  framebufferTexture2D(target: number, attachment: number, texTarget: number, texture: object | null, level: number): void;
  drawBuffers(buffers: number[]): void;
}

/** The parts of tfjs-backend-webgl 4.22's `GPGPUContext` used here. */
interface GpgpuShape {
  readonly gl: GL2;
  createProgram(fragmentShader: object): object & { vao: unknown };
  buildVao(program: object): void;
  setProgram(program: object): void;
  bindVertexArray(vao: unknown): void;
  setOutputPackedMatrixTexture(texture: object, rows: number, cols: number): void;
  setInputMatrixTexture(texture: object, location: object, unit: number): void;
  executeProgram(): void;
}

interface WebGLTexData {
  shape: number[];
  isPacked?: boolean;
  texShape?: number[] | null;
  texture?: { texture: object } | null;
  slice?: unknown;
  values?: unknown;
}

/** The parts of tfjs-backend-webgl 4.22's `MathBackendWebGL` used here. */
interface WebGLBackendInternals {
  readonly gpgpu: GpgpuShape;
  readonly texData: { get(dataId: object): WebGLTexData | undefined };
  readonly activeTimers?: unknown;
  makeTensorInfo(shape: number[], dtype: 'float32'): TensorInfo;
  uploadToGPU(dataId: object): void;
  disposeData(dataId: object): boolean;
  packTensor(info: TensorInfo): TensorInfo;
}

function isWebGLInternals(b: unknown): b is WebGLBackendInternals {
  const x = b as Partial<WebGLBackendInternals>;
  const g = x.gpgpu as Partial<GpgpuShape> | undefined;
  return (
    typeof x.makeTensorInfo === 'function' &&
    typeof x.uploadToGPU === 'function' &&
    typeof x.packTensor === 'function' &&
    typeof x.texData?.get === 'function' &&
    [
      g?.createProgram,
      g?.buildVao,
      g?.setProgram,
      g?.bindVertexArray,
      g?.setOutputPackedMatrixTexture,
      g?.setInputMatrixTexture,
      g?.executeProgram,
    ].every((f) => typeof f === 'function') &&
    typeof g?.gl?.drawBuffers === 'function'
  );
}

const GLSL: ShaderLanguage = {
  decl: (name, expr, scalar = false) => `${scalar ? 'float' : 'vec4'} ${name} = ${expr};`,
  read: (name) => `texelFetch(${name}, xy, 0)`,
  uniform: (name) => name,
  pick: (cond, a, b) => `(${cond} ? ${a} : ${b})`,
  write: (k, expr) => `o${k} = ${expr};`,
  control: (entry) => `ctl.${{ scale: 'x', apply: 'y', bc1: 'z', ib: 'w' }[entry]}`,
};

interface CompiledGl {
  readonly program: object & { vao: unknown };
  readonly samplers: (object | null)[];
  readonly uniforms: Map<string, object | null>;
}

/**
 * The webgl runner: packed textures of one layout in, packed textures out, one draw. Null when the
 * backend is not tfjs-backend-webgl 4.22 on WebGL 2.
 */
export function webglMultiRunner(backend: unknown): MultiRunner | null {
  return memo(backend, makeWebglRunner);
}

/** One runner (and its compiled programs) per backend instance. */
const runners = new WeakMap<object, MultiRunner | null>();
function memo(backend: unknown, make: (backend: unknown) => MultiRunner | null): MultiRunner | null {
  if (typeof backend !== 'object' || backend === null) return null;
  if (!runners.has(backend)) runners.set(backend, make(backend));
  return runners.get(backend) ?? null;
}

function makeWebglRunner(backend: unknown): MultiRunner | null {
  if (!isWebGLInternals(backend) || tf.env().getNumber('WEBGL_VERSION') !== 2) return null;
  const b = backend;
  const gl = b.gpgpu.gl;
  // A program that did not compile is cached as null: that update runs one program per output.
  const cache = new Map<string, CompiledGl | null>();
  const compile = (u: MultiUpdate, names: string[]): CompiledGl | null => {
    const uniformNames = Object.keys(u.uniforms);
    const body = withConstants(u.body(GLSL), u.constants);
    const source = `#version 300 es
precision highp float;
precision highp int;
precision highp sampler2D;
${names.map((n) => `uniform sampler2D ${n};`).join('\n')}
${uniformNames.map((n) => `uniform float ${n};`).join('\n')}
${Array.from({ length: u.outputs }, (_, k) => `layout(location = ${k}) out vec4 o${k};`).join('\n')}
void main() {
  ivec2 xy = ivec2(gl_FragCoord.xy);
  ${u.control === undefined ? '' : 'vec4 ctl = texelFetch(Control, ivec2(0, 0), 0);'}
  ${body}
}`;
    const shader = gl.createShader(gl.FRAGMENT_SHADER);
    if (shader === null) return null;
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (gl.getShaderParameter(shader, gl.COMPILE_STATUS) !== true) {
      console.warn(
        `tfjs-solver: the one-program ${u.key} update did not compile on this browser (${gl.getShaderInfoLog(shader) ?? ''}); using one program per output`,
      );
      return null;
    }
    let program: object & { vao: unknown };
    try {
      program = b.gpgpu.createProgram(shader);
    } catch (e) {
      console.warn(
        `tfjs-solver: the one-program ${u.key} update did not link on this browser (${String(e)}); using one program per output`,
      );
      return null;
    }
    b.gpgpu.buildVao(program);
    return {
      program,
      samplers: names.map((n) => gl.getUniformLocation(program, n)),
      uniforms: new Map(uniformNames.map((n) => [n, gl.getUniformLocation(program, n)])),
    };
  };
  const run: MultiRunner = (u) => {
    // A timing profiler or a compile-only pass: the backend's own runner handles those.
    if ((b.activeTimers !== undefined && b.activeTimers !== null) || tf.env().getBool('ENGINE_COMPILE_ONLY')) return null;
    // Inputs packed here (an unpacked gradient or a new slot), released after the draw.
    const made: TensorInfo[] = [];
    try {
      return draw(u, made);
    } finally {
      made.forEach((t) => b.disposeData(t.dataId));
    }
  };
  function draw(u: MultiUpdate, made: TensorInfo[]): TensorInfo[] | null {
    const shape = [...(u.reads[0]?.[1].shape ?? [])];
    const inputs = [...u.reads, ...(u.control === undefined ? [] : ([['Control', u.control]] as const))];
    const datas = inputs.map(([, info]) => packedOnGpu(b, info, made));
    const main = datas.slice(0, u.reads.length);
    const texShape = main[0]?.texShape;
    // Read at the fragment's own texel: the same texture shape and the same 2×2 blocks (a leading
    // 1 in a shape, as a reshape leaves, changes neither).
    const layout = texelLayout(shape);
    const sameLayout = (d: WebGLTexData | null): boolean => {
      if (d === null || d.slice != null || texShape == null || !tf.util.arraysEqual(d.texShape ?? [], texShape)) return false;
      const l = texelLayout(d.shape);
      return l.rows === layout.rows && l.cols === layout.cols && l.texels === layout.texels;
    };
    if (texShape == null || !main.every(sameLayout) || datas.some((d) => d === null)) return null;
    const names = inputs.map(([n]) => n);
    const key = `${u.key}|${names.join(',')}|${JSON.stringify(u.constants)}`;
    if (!cache.has(key)) cache.set(key, compile(u, names));
    const compiled = cache.get(key) ?? null;
    if (compiled === null) return null;
    const outs = Array.from({ length: u.outputs }, () => {
      const out = b.makeTensorInfo(shape, 'float32');
      const data = b.texData.get(out.dataId) as WebGLTexData;
      data.isPacked = true;
      data.texShape = [...texShape];
      b.uploadToGPU(out.dataId);
      return { out, data };
    });
    const textures = outs.map((o) => o.data.texture?.texture);
    if (textures.some((t) => t === undefined)) {
      outs.forEach((o) => b.disposeData(o.out.dataId));
      return null;
    }
    const [rows = 1, cols = 1] = texShape;
    b.gpgpu.setOutputPackedMatrixTexture(textures[0] as object, rows, cols);
    const attachments = textures.map((_, k) => gl.COLOR_ATTACHMENT0 + k);
    for (let k = 1; k < textures.length; k++)
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + k, gl.TEXTURE_2D, textures[k] as object, 0);
    gl.drawBuffers(attachments);
    try {
      b.gpgpu.setProgram(compiled.program);
      b.gpgpu.bindVertexArray(compiled.program.vao);
      for (const [name, location] of compiled.uniforms) gl.uniform1f(location, u.uniforms[name] as number);
      datas.forEach((d, i) => {
        const location = compiled.samplers[i];
        if (location !== null && location !== undefined && d !== null)
          b.gpgpu.setInputMatrixTexture(d.texture?.texture as object, location, i);
      });
      b.gpgpu.executeProgram();
    } finally {
      // The framebuffer is tfjs's: it draws into attachment 0 only, and a texture left attached
      // here would be a feedback loop when a later program reads it.
      for (let k = 1; k < textures.length; k++) gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + k, gl.TEXTURE_2D, null, 0);
      gl.drawBuffers([gl.COLOR_ATTACHMENT0]);
    }
    return outs.map((o) => o.out);
  }
  return run;
}

/** The parts of tfjs-backend-webgl 4.22 a packed read needs. */
export interface PackingBackend {
  readonly texData: { get(dataId: object): { isPacked?: boolean; texture?: unknown } | undefined };
  packTensor(info: TensorInfo): TensorInfo;
}

/**
 * `info` as a packed texture: itself when it is packed or not on the GPU (a packed program uploads
 * it packed), else a packed copy by the backend's pack program, recorded in `made` for the caller
 * to release. tfjs's bias gradients and its zero-filled new slots come unpacked.
 */
export function packedOnce(b: PackingBackend, info: TensorInfo, made: TensorInfo[]): TensorInfo {
  const data = b.texData.get(info.dataId);
  if (data === undefined || data.isPacked === true || data.texture === null || data.texture === undefined) return info;
  const packed = b.packTensor(info);
  made.push(packed);
  return packed;
}

/** A float32 tensor's packed texture on the GPU (uploaded packed if still on the CPU, see {@link packedOnce}); null otherwise. */
function packedOnGpu(b: WebGLBackendInternals, info: TensorInfo, made: TensorInfo[]): WebGLTexData | null {
  const data = b.texData.get(info.dataId);
  if (data === undefined || info.dtype !== 'float32') return null;
  if (data.texture == null && data.values != null) {
    // As tfjs uploads the inputs of a packed program: packed from the start.
    data.isPacked = true;
    data.shape = [...info.shape];
    b.uploadToGPU(info.dataId);
  }
  const read = b.texData.get(packedOnce(b, info, made).dataId);
  return read?.texture != null && read.isPacked === true ? read : null;
}

// ---------------------------------------------------------------------------------------------
// webgpu: one dispatch writing several storage buffers.

/** A compiled compute pipeline. */
interface Pipeline {
  getBindGroupLayout(i: number): object;
}

/** The parts of a WebGPU device, pipeline and pass used here. */
interface GpuDeviceShape {
  readonly limits?: { readonly maxStorageBuffersPerShaderStage?: number };
  createShaderModule(d: { code: string }): object;
  createComputePipelineAsync(d: { layout: 'auto'; compute: { module: object; entryPoint: string } }): Promise<Pipeline>;
  createBindGroup(d: { layout: object; entries: { binding: number; resource: unknown }[] }): object;
}
interface PassShape {
  setPipeline(p: object): void;
  setBindGroup(i: number, g: object): void;
  dispatchWorkgroups(x: number, y: number, z: number): void;
}

/** The parts of tfjs-backend-webgpu 4.22's `WebGPUBackend` used here. */
interface WebGPUBackendInternals {
  readonly device: GpuDeviceShape;
  readonly commandEncoder: { beginComputePass(d: object): PassShape } | null;
  computePassEncoder: PassShape | null;
  dispatchCountInPass: number;
  readonly commandQueueOwnedIds: WeakSet<object>;
  readonly activeTimers?: unknown;
  readonly tensorMap: { get(dataId: object): { dtype: string } | undefined };
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  makeTensorInfo(shape: number[], dtype: 'float32'): TensorInfo;
  uploadToGPU(dataId: object): void;
  tensorToBinding(info: TensorInfo): unknown;
  makeUniforms(u: { type: 'float32' | 'uint32'; data: number[] }[]): unknown;
}

function isWebGPUInternals(b: unknown): b is WebGPUBackendInternals {
  const x = b as Partial<Record<keyof WebGPUBackendInternals, unknown>>;
  const methods = [
    x.ensureCommandEncoderReady,
    x.endComputePassEncoder,
    x.submitQueue,
    x.makeTensorInfo,
    x.uploadToGPU,
    x.tensorToBinding,
    x.makeUniforms,
  ];
  const device = x.device as Partial<GpuDeviceShape> | undefined;
  return (
    methods.every((f) => typeof f === 'function') &&
    typeof device?.createComputePipelineAsync === 'function' &&
    typeof device.createBindGroup === 'function' &&
    x.commandQueueOwnedIds instanceof WeakSet &&
    typeof x.dispatchCountInPass === 'number' &&
    typeof (x.tensorMap as { get?: unknown } | undefined)?.get === 'function'
  );
}

const WGSL: ShaderLanguage = {
  decl: (name, expr) => `let ${name} = ${expr};`,
  read: (name) => `${name}[i]`,
  uniform: (name) => `u.${name}`,
  pick: (cond, a, b) => `select(${b}, ${a}, ${cond})`,
  write: (k, expr) => `O${k}[i] = ${expr};`,
  control: (entry) => ({ scale: 'Control[0]', apply: 'Control[1]', bc1: 'Control[5]', ib: 'Control[6]' })[entry],
};

const WORKGROUP = 64;
const MAX_GROUPS = 65535;

/** The webgpu runner: one dispatch recorded into the backend's compute pass. Null when the backend is not tfjs-backend-webgpu 4.22. */
export function webgpuMultiRunner(backend: unknown): MultiRunner | null {
  return memo(backend, makeWebgpuRunner);
}

function makeWebgpuRunner(backend: unknown): MultiRunner | null {
  if (!isWebGPUInternals(backend)) return null;
  const b = backend;
  // Pipelines are compiled asynchronously and used once ready: an invalid shader (a browser whose
  // WGSL compiler refuses it) rejects the promise instead of invalidating the backend's command
  // buffer. Until then, and after a failure (null), the update runs one program per output.
  const cache = new Map<string, Pipeline | 'compiling' | null>();
  return (u) => {
    // A timing profiler or a compile-only pass: the backend's own runner handles those.
    if ((b.activeTimers !== undefined && b.activeTimers !== null) || tf.env().getBool('WEBGPU_ENGINE_COMPILE_ONLY')) return null;
    const shape = [...(u.reads[0]?.[1].shape ?? [])];
    const size = shape.reduce((x, y) => x * y, 1);
    const inputs = [...u.reads.map(([, t]) => t), ...(u.control === undefined ? [] : [u.control])];
    if (size === 0 || inputs.some((t) => b.tensorMap.get(t.dataId)?.dtype !== 'float32')) return null;
    // Every output and input is a storage buffer: within the device's limit (WebGPU's default 8).
    if (u.outputs + inputs.length > (b.device.limits?.maxStorageBuffersPerShaderStage ?? 8)) return null;
    const vectorized = size % 4 === 0;
    const type = vectorized ? 'vec4<f32>' : 'f32';
    const names = u.reads.map(([n]) => n);
    const uniformNames = Object.keys(u.uniforms);
    // Whole 16-byte rows: a uniform struct of scalars padded to a multiple of four.
    const fields = [...uniformNames.map((n) => `${n} : f32,`), 'n : u32,', 'stride : u32,'];
    while (fields.length % 4 !== 0) fields.push(`pad${fields.length} : u32,`);
    const key = `${u.key}|${type}|${JSON.stringify(u.constants)}`;
    const pipeline = cache.get(key);
    if (pipeline === undefined) {
      const outputs = Array.from(
        { length: u.outputs },
        (_, k) => `@group(0) @binding(${k}) var<storage, read_write> O${k} : array<${type}>;`,
      );
      const reads = names.map((n, j) => `@group(0) @binding(${u.outputs + j}) var<storage, read> ${n} : array<${type}>;`);
      const control =
        u.control === undefined ? [] : [`@group(0) @binding(${u.outputs + names.length}) var<storage, read> Control : array<f32>;`];
      const code = `struct Uniforms { ${fields.join(' ')} };
${[...outputs, ...reads, ...control].join('\n')}
@group(0) @binding(${u.outputs + names.length + control.length}) var<uniform> u : Uniforms;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid : vec3<u32>) {
  let i = gid.x + gid.y * u.stride;
  if (i >= u.n) { return; }
  ${withConstants(u.body(WGSL), u.constants)}
}`;
      const module = b.device.createShaderModule({ code });
      cache.set(key, 'compiling');
      b.device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } }).then(
        (ready) => cache.set(key, ready),
        (e: unknown) => {
          console.warn(
            `tfjs-solver: the one-program ${u.key} update did not compile on this device (${String(e)}); using one program per output`,
          );
          cache.set(key, null);
        },
      );
      return null;
    }
    if (pipeline === 'compiling' || pipeline === null) return null;
    const outs = Array.from({ length: u.outputs }, () => b.makeTensorInfo(shape, 'float32'));
    [...outs, ...inputs].forEach((t) => {
      b.uploadToGPU(t.dataId);
    });
    const count = vectorized ? size / 4 : size;
    const groups = Math.ceil(count / WORKGROUP);
    const x = Math.min(groups, MAX_GROUPS);
    const y = Math.ceil(groups / x);
    const uniforms = b.makeUniforms([
      ...uniformNames.map((n) => ({ type: 'float32' as const, data: [u.uniforms[n] as number] })),
      { type: 'uint32', data: [count] },
      { type: 'uint32', data: [x * WORKGROUP] },
      ...Array.from({ length: fields.length - uniformNames.length - 2 }, () => ({ type: 'uint32' as const, data: [0] })),
    ]);
    const bound = [...outs, ...inputs];
    const group = b.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [...bound.map((t, i) => ({ binding: i, resource: b.tensorToBinding(t) })), { binding: bound.length, resource: uniforms }],
    });
    bound.forEach((t) => b.commandQueueOwnedIds.add(t.dataId));
    b.ensureCommandEncoderReady();
    if (b.computePassEncoder === null) {
      if (b.commandEncoder === null) throw new SolverError('backend', 'fused webgpu update: the backend has no command encoder');
      b.computePassEncoder = b.commandEncoder.beginComputePass({});
    }
    b.computePassEncoder.setPipeline(pipeline);
    b.computePassEncoder.setBindGroup(0, group);
    b.computePassEncoder.dispatchWorkgroups(x, y, 1);
    b.dispatchCountInPass += 1;
    if (tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') <= b.dispatchCountInPass) {
      b.endComputePassEncoder();
      b.submitQueue();
    }
    return outs;
  };
}
