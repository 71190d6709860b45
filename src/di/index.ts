// Dependency injection (inversify 8): the tokens, the module that wires a solver from a config,
// and the one call that resolves it. inversify is used here and nowhere else in the library.
export { TOKENS } from './TOKENS.js';
export type { Token } from './TOKENS.js';
export { solverModule } from './solverModule.js';
export { createSolver } from './createSolver.js';
export type { CreateSolverOptions } from './createSolver.js';
export { Solver } from './Solver.js';
export type { SolverParts } from './Solver.js';
