/**
 * What went wrong, as a closed set so callers can branch on it without parsing messages.
 *
 * - `config`: a config file or override is malformed, unknown or out of range.
 * - `argument`: a function or constructor got a value outside its documented domain.
 * - `backend`: a TensorFlow.js backend is missing, failed to start or lacks a kernel.
 * - `nonFinite`: a gradient or loss was NaN or infinite and the policy says to stop.
 * - `state`: saved state (checkpoint, optimizer or scheduler state) does not fit what it is loaded into.
 * - `checkpoint`: a checkpoint file is missing, torn, or fails its checksum.
 * - `io`: reading or writing a file failed.
 * - `notImplemented`: the feature exists in the CLI or API surface but has not landed yet.
 */
export type SolverErrorKind =
  | 'config'
  | 'argument'
  | 'backend'
  | 'nonFinite'
  | 'state'
  | 'checkpoint'
  | 'io'
  | 'notImplemented';
