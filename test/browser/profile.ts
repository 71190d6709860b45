import * as tf from '@tensorflow/tfjs';

/**
 * Where one optimizer step's time goes on a GPU backend (a measuring aid, never asserted): the time
 * to issue a step (JavaScript only, no wait) and, per program kind, the marginal cost of its programs
 * (the step run with every program of that kind repeated `extra` more times, minus the plain step,
 * divided by `extra`). On SwiftShader the shaders run on the CPU, so the marginal cost is the
 * program's issue plus its execution. Only programs run through the backend's runner are broken
 * out: the updates that write several tensors in one program record themselves, so their cost is
 * the step's total less the kinds listed (turn `gpuMultiOutput.enabled` off to see them as one
 * program per output).
 */

export interface KindCost {
  /** Programs of this kind per step. */
  readonly count: number;
  /** Output elements per step (all programs of the kind). */
  readonly elements: number;
  /** Marginal milliseconds per step of all programs of this kind. */
  readonly ms: number;
}

export interface StepProfile {
  /** Milliseconds per step, device work included. */
  readonly totalMs: number;
  /** Milliseconds per step to issue the step (the JavaScript side; the device may still be working). */
  readonly issueMs: number;
  readonly kinds: Record<string, KindCost>;
}

type Runner = (...args: unknown[]) => { dataId: object; shape: number[] };

interface ProgramLike {
  readonly constructor: { name: string };
  readonly shaderKey?: string;
  readonly variableNames?: string[];
  readonly userCode?: string;
  readonly outputShape?: number[];
}

function runnerName(backend: Record<string, unknown>): 'runWebGLProgram' | 'runWebGPUProgram' | null {
  return typeof backend.runWebGLProgram === 'function'
    ? 'runWebGLProgram'
    : typeof backend.runWebGPUProgram === 'function'
      ? 'runWebGPUProgram'
      : null;
}

/** A short name for a program: tfjs's class, or ours by its shader key or inputs. */
export function kindOf(program: ProgramLike): string {
  const vars = (program.variableNames ?? []).join('');
  if (program.constructor.name !== 'Object') return `${program.constructor.name}(${vars})`;
  if (program.shaderKey !== undefined) return program.shaderKey.replace(/^tfjsSolver_/, '');
  const code = program.userCode ?? '';
  const what = code.includes('part0') ? 'partials' : code.includes('float norm') ? 'control' : 'update';
  return `${what}(${vars})`;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Runs `f` with the backend's program runner replaced by `wrap(original)`. */
function withRunner(wrap: (original: Runner, self: unknown) => Runner, f: () => void): void {
  const backend = tf.backend() as unknown as Record<string, unknown>;
  const name = runnerName(backend);
  if (name === null) {
    f();
    return;
  }
  const original = backend[name] as Runner;
  backend[name] = wrap(original, backend);
  try {
    f();
  } finally {
    backend[name] = original;
  }
}

/** Profiles `step` (one optimizer step) on the active GPU backend: `rounds` rounds of `steps` steps. */
export async function profileStep(step: () => void, probe: tf.Tensor, steps = 10, rounds = 5, extra = 4): Promise<StepProfile> {
  const kinds: Record<string, KindCost> = {};
  withRunner(
    (original, self) =>
      (...args) => {
        // Before the run: tfjs-backend-webgpu rewrites a program's shaderKey when it runs it.
        const k = kindOf(args[0] as ProgramLike);
        const out = original.apply(self, args);
        const before = kinds[k] ?? { count: 0, elements: 0, ms: 0 };
        kinds[k] = { count: before.count + 1, elements: before.elements + out.shape.reduce((a, b) => a * b, 1), ms: 0 };
        return out;
      },
    step,
  );
  await probe.data();
  const timed = async (f: () => void): Promise<number> => {
    await probe.data();
    const start = performance.now();
    for (let i = 0; i < steps; i++) f();
    await probe.data();
    return (performance.now() - start) / steps;
  };
  const repeated = (kind: string) => (): void => {
    withRunner(
      (original, self) =>
        (...args) => {
          const same = kindOf(args[0] as ProgramLike) === kind;
          const out = original.apply(self, args);
          if (same) {
            for (let r = 0; r < extra; r++) {
              const again = original.apply(self, args);
              (self as { disposeData(id: object): void }).disposeData(again.dataId);
            }
          }
          return out;
        },
      step,
    );
  };
  const base: number[] = [];
  const issue: number[] = [];
  const per: Record<string, number[]> = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  for (let round = 0; round < rounds; round++) {
    base.push(await timed(step));
    await probe.data();
    const start = performance.now();
    for (let i = 0; i < steps; i++) step();
    issue.push((performance.now() - start) / steps);
    for (const k of Object.keys(kinds)) (per[k] as number[]).push(((await timed(repeated(k))) - (base[round] as number)) / extra);
  }
  await probe.data();
  const out = Object.fromEntries(Object.entries(kinds).map(([k, c]) => [k, { ...c, ms: median(per[k] as number[]) }]));
  return { totalMs: median(base), issueMs: median(issue), kinds: out };
}

/**
 * Milliseconds per run of the first level of the global norm over `grads`, flat (one range over all
 * gradients, what the step-control kernel runs) against one row per gradient, interleaved rounds.
 */
export async function benchPartials(
  gpu: {
    partials(
      xs: readonly tf.TensorInfo[],
      mode: { p: number; first: boolean; flat?: boolean },
      chunk: number,
      blocks: number,
    ): tf.TensorInfo;
    units(x: tf.TensorInfo, mode: { p: number; first: boolean; flat?: boolean }): number;
    dispose(info: tf.TensorInfo): void;
  },
  grads: readonly tf.Tensor[],
  reps = 20,
  rounds = 7,
  least = 64,
): Promise<Record<'flat' | 'rows' | 'floor', number>> {
  const run = (flat: boolean, xs: readonly tf.TensorInfo[] = grads): tf.TensorInfo => {
    const mode = { p: 2, first: true, flat };
    const grads = xs;
    const units = grads.map((g) => gpu.units(g, mode));
    const size = flat ? units.reduce((a, b) => a + b, 0) : Math.max(...units);
    const chunk = Math.max(flat ? least : 256, Math.ceil(size / 1024));
    return gpu.partials(grads, mode, chunk, Math.max(1, Math.ceil(size / chunk)));
  };
  // Reading the last output back waits for every run before it.
  const backend = tf.backend() as unknown as { read(dataId: object): Promise<unknown> };
  const times: Record<'flat' | 'rows' | 'floor', number[]> = { flat: [], rows: [], floor: [] };
  const tiny = grads.slice(grads.length - 1);
  for (let round = 0; round < rounds; round++) {
    for (const kind of round % 2 === 0 ? (['flat', 'rows', 'floor'] as const) : (['floor', 'rows', 'flat'] as const)) {
      const xs = kind === 'floor' ? tiny : grads;
      const warm = run(kind !== 'rows', xs);
      await backend.read(warm.dataId);
      gpu.dispose(warm);
      const start = performance.now();
      let last = run(kind !== 'rows', xs);
      for (let i = 1; i < reps; i++) {
        gpu.dispose(last);
        last = run(kind !== 'rows', xs);
      }
      await backend.read(last.dataId);
      times[kind].push((performance.now() - start) / reps);
      gpu.dispose(last);
    }
  }
  return { flat: median(times.flat), rows: median(times.rows), floor: median(times.floor) };
}
