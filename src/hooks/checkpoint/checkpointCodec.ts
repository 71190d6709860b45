import { SolverError } from '../../errors/SolverError.js';
import type { CheckpointData } from './CheckpointData.js';
import { sha256Hex } from './sha256Hex.js';

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
  return Number.isInteger(record.iteration) && Array.isArray(record.model) && Array.isArray(record.optimizer);
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
