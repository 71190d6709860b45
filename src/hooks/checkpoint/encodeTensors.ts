import type { NamedTensor } from './NamedTensor.js';
import * as tf from '@tensorflow/tfjs';
import { SolverError } from '../../errors/SolverError.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';
import type { EncodedTensor } from './EncodedTensor.js';

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
