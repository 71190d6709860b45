import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../errors.js';

/** A tensor with a name: the element type of `tf.Optimizer.getWeights()` (tfjs does not export its own). */
export interface NamedTensor {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

/**
 * A tensor as stored in a checkpoint: its name, dtype, shape and raw little-endian bytes in
 * base64. Float32 values round-trip bit for bit.
 */
export interface EncodedTensor {
  readonly name: string;
  readonly dtype: 'float32' | 'int32' | 'bool';
  readonly shape: readonly number[];
  readonly data: string;
}

/**
 * Which run wrote a checkpoint: what a resume compares before loading it, so a run never
 * silently continues another run's state.
 */
export interface RunIdentity {
  /** {@link configHash} of the run's config. */
  readonly configHash: string;
  /** The config's `SEED`. */
  readonly seed: number;
  /** The tfjs backend that trained (`cpu`, `wasm`, ...). */
  readonly backend: string;
  /** The tfjs version (`tf.version_core`). */
  readonly tfjs: string;
}

/**
 * A 64-bit hash (two FNV-1a 32-bit passes with different offsets), as 16 hex digits, of a
 * config's JSON with `OUTPUT_DIR` left out (moving a run's folder does not make it another run).
 * Not cryptographic: it tells runs apart, it does not authenticate them.
 */
export function configHash(config: unknown): string {
  const text: string = JSON.stringify(config, (key: string, value: unknown) => (key === 'OUTPUT_DIR' ? undefined : value));
  const pass = (offset: number): string => {
    let hash: number = offset >>> 0;
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
    return hash.toString(16).padStart(8, '0');
  };
  return pass(0x811c9dc5) + pass(0x050c5d1f);
}

/**
 * Everything a checkpoint holds: enough to continue training exactly where it stopped.
 *
 * `iteration` is the number of completed steps, i.e. the iteration a resumed run starts at
 * (detectron2 stores the last completed iteration and adds one on resume; we store the sum).
 */
export interface CheckpointData {
  /** The iteration to resume at (= steps completed). */
  readonly iteration: number;
  /** The model's variables, keyed by their stable (original) names. */
  readonly model: readonly EncodedTensor[];
  /** `optimizer.getWeights()`: step counters and slots, keyed by name. */
  readonly optimizer: readonly EncodedTensor[];
  /** The LR scheduler's `state()`, or null when no scheduler was attached. */
  readonly scheduler: unknown;
  /** The weight EMA's averaged weights, or null when no EMA was attached. */
  readonly ema: readonly EncodedTensor[] | null;
  /** The config the run used (informational), or null. */
  readonly config: unknown;
  /** The run that wrote it; absent in checkpoints written before runs recorded it. */
  readonly run?: RunIdentity | null;
}

const CHUNK: number = 0x8000;

/** Encodes bytes as base64 with `btoa` (no Node `Buffer`, so it runs in a page too). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary: string = '';
  for (let start = 0; start < bytes.length; start += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(start, start + CHUNK));
  }
  return btoa(binary);
}

/** Decodes base64 into a fresh, aligned byte array. @throws DOMException on invalid input. */
export function base64ToBytes(text: string): Uint8Array {
  const binary: string = atob(text);
  const bytes: Uint8Array = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The SHA-256 digest of `data` as 64 lowercase hex digits, with the Web Crypto API
 * (`globalThis.crypto.subtle`), which Node >= 20 and every browser provide.
 */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest: ArrayBuffer = await globalThis.crypto.subtle.digest('SHA-256', data);
  return Array.from(new Uint8Array(digest), (byte: number) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Renames state entries keyed `<variable name>/<slot>` by swapping the variable-name prefix
 * through `names` (longest matching prefix wins); entries with no matching prefix keep their name.
 *
 * Why: optimizer slots are keyed by a variable's unique tfjs name (`dense/kernel_1` when a model
 * with the same layer names was built before in the process); a checkpoint stores them under the
 * model's stable names instead, so it loads into any fresh build of the same model.
 */
export function renameByPrefix<T extends { readonly name: string }>(entries: readonly T[], names: ReadonlyMap<string, string>): T[] {
  const prefixes: string[] = [...names.keys()].sort((a, b) => b.length - a.length);
  return entries.map((entry: T): T => {
    const prefix: string | undefined = prefixes.find((p) => entry.name === p || entry.name.startsWith(`${p}/`));
    if (prefix === undefined) return entry;
    return { ...entry, name: `${names.get(prefix) ?? prefix}${entry.name.slice(prefix.length)}` };
  });
}

/** The name of the checkpoint written when training finishes. */
export const FINAL_CHECKPOINT: string = 'model_final.ckpt';
/** The file that holds the name of the newest checkpoint. */
export const LAST_CHECKPOINT_FILE: string = 'last_checkpoint';

const PERIODIC: RegExp = /^model_(\d{7,})\.ckpt$/;

/** `model_0000100.ckpt` for iteration 100 (seven digits, detectron2's pattern). */
export function periodicCheckpointName(iteration: number): string {
  return `model_${String(iteration).padStart(7, '0')}.ckpt`;
}

/** The iteration in a periodic checkpoint's name, or null when `name` is not one. */
export function periodicIteration(name: string): number | null {
  const match: RegExpExecArray | null = PERIODIC.exec(name);
  return match === null ? null : Number(match[1]);
}

/**
 * Reads each named tensor's values (one device sync each) into an {@link EncodedTensor}.
 * @throws SolverError kind `argument` for a dtype a checkpoint cannot hold (string, complex64).
 */
export async function encodeTensors(tensors: readonly NamedTensor[]): Promise<EncodedTensor[]> {
  const encoded: EncodedTensor[] = [];
  for (const { name, tensor } of tensors) {
    const dtype: tf.DataType = tensor.dtype;
    if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
      throw new SolverError('argument', `checkpoint tensor ${name}: got dtype ${dtype}, expected float32, int32 or bool`);
    }
    const values: tf.TypedArray = await tensor.data<typeof dtype>();
    const bytes: Uint8Array = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    encoded.push({ name, dtype, shape: [...tensor.shape], data: bytesToBase64(bytes) });
  }
  return encoded;
}

function typedArrayOf(item: EncodedTensor, bytes: Uint8Array): tf.TypedArray {
  if (item.dtype === 'float32') return new Float32Array(bytes.buffer, 0, bytes.byteLength / 4);
  if (item.dtype === 'int32') return new Int32Array(bytes.buffer, 0, bytes.byteLength / 4);
  return bytes;
}

/**
 * Turns encoded tensors back into new tensors (the caller disposes them).
 * @throws SolverError kind `checkpoint` when a tensor's byte count does not fit its shape.
 */
export function decodeTensors(items: readonly EncodedTensor[]): NamedTensor[] {
  return items.map((item: EncodedTensor): NamedTensor => {
    const bytes: Uint8Array = base64ToBytes(item.data);
    const size: number = item.shape.reduce((a: number, b: number) => a * b, 1);
    const width: number = item.dtype === 'bool' ? 1 : 4;
    if (bytes.byteLength !== size * width) {
      throw new SolverError(
        'checkpoint',
        `checkpoint tensor ${item.name}: got ${bytes.byteLength} bytes, expected ${size * width} for shape [${item.shape.join(', ')}]`,
      );
    }
    return { name: item.name, tensor: tf.tensor(typedArrayOf(item, bytes), [...item.shape], item.dtype) };
  });
}

const MAGIC: string = 'tfjs-solver-checkpoint v1';
const HEADER: RegExp = /^tfjs-solver-checkpoint v1 sha256=([0-9a-f]{64}) bytes=(\d+)$/;

/**
 * Serialises a checkpoint: one header line `tfjs-solver-checkpoint v1 sha256=<hex> bytes=<n>`
 * followed by the JSON body whose SHA-256 and length the header records.
 *
 * Why a checksum: a file cut short by a crash or edited by hand is then refused on load
 * instead of being half-loaded into the model.
 */
export async function encodeCheckpoint(data: CheckpointData): Promise<Uint8Array> {
  const body: Uint8Array = new TextEncoder().encode(JSON.stringify(data));
  const header: Uint8Array = new TextEncoder().encode(`${MAGIC} sha256=${await sha256Hex(body)} bytes=${body.byteLength}\n`);
  const file: Uint8Array = new Uint8Array(header.byteLength + body.byteLength);
  file.set(header, 0);
  file.set(body, header.byteLength);
  return file;
}

function refuse(path: string, rule: string): SolverError {
  return new SolverError('checkpoint', `checkpoint ${path}: ${rule}; refusing to load it`);
}

function isCheckpointData(value: unknown): value is CheckpointData {
  if (typeof value !== 'object' || value === null) return false;
  const record: Partial<Record<keyof CheckpointData, unknown>> = value;
  return (
    Number.isInteger(record.iteration) &&
    (record.iteration as number) >= 0 &&
    Array.isArray(record.model) &&
    Array.isArray(record.optimizer)
  );
}

/**
 * Parses and verifies a checkpoint file written by {@link encodeCheckpoint}.
 * @param bytes the whole file.
 * @param path the file's name, for messages.
 * @throws SolverError kind `checkpoint` when the header is missing, the length or the SHA-256
 *   does not match (a torn or edited file), or the body is not a checkpoint.
 */
export async function decodeCheckpoint(bytes: Uint8Array, path: string): Promise<CheckpointData> {
  const newline: number = bytes.indexOf(10);
  const headerText: string = new TextDecoder().decode(bytes.subarray(0, newline < 0 ? Math.min(bytes.length, 200) : newline));
  const match: RegExpExecArray | null = HEADER.exec(headerText);
  if (newline < 0 || match === null) throw refuse(path, `not a tfjs-solver checkpoint (header "${headerText.slice(0, 60)}")`);
  const body: Uint8Array = bytes.subarray(newline + 1);
  if (body.byteLength !== Number(match[2])) {
    throw refuse(path, `got ${body.byteLength} bytes of data, the header says ${match[2]} (torn or truncated file)`);
  }
  const actual: string = await sha256Hex(body);
  if (actual !== match[1]) throw refuse(path, `sha256 mismatch: header ${match[1]}, data ${actual} (corrupt or edited file)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw refuse(path, 'the data is not JSON');
  }
  if (!isCheckpointData(parsed)) throw refuse(path, 'the data lacks iteration, model or optimizer');
  return parsed;
}
