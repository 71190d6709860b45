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
