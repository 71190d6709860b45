import { DEFAULT_CONFIG, type SolverConfig, type SolverSection } from '../../src/config/schema.js';

// DEFAULT_CONFIG with some SOLVER keys replaced (wrong types allowed, to test validation).
export function configFor(solver: Partial<Record<keyof SolverSection, unknown>>): SolverConfig {
  return { ...DEFAULT_CONFIG, SOLVER: { ...DEFAULT_CONFIG.SOLVER, ...(solver as Partial<SolverSection>) } };
}
