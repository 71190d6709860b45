import { DEFAULT_CONFIG } from '../../src/config/index.js';
import type { SolverConfig, SolverSection } from '../../src/config/index.js';

// DEFAULT_CONFIG with some SOLVER keys replaced (wrong types allowed, to test validation).
export function configFor(solver: Partial<Record<keyof SolverSection, unknown>>): SolverConfig {
  return { ...DEFAULT_CONFIG, SOLVER: { ...DEFAULT_CONFIG.SOLVER, ...(solver as Partial<SolverSection>) } };
}
