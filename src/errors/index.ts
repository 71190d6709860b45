export { SolverError } from './SolverError.js';
export type { SolverErrorKind } from './SolverErrorKind.js';
