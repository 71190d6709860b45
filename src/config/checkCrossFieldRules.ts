import { SolverError } from '../errors/SolverError.js';
import { originOf } from './originOf.js';
import type { SolverConfig } from './SolverConfig.js';

/**
 * The rules that involve two keys (SPEC §1), checked after every key passed its own rule:
 * - `SOLVER.NESTEROV` true needs `SOLVER.MOMENTUM` > 0 (PyTorch refuses Nesterov without momentum);
 * - with `WarmupCosineLR`, `SOLVER.BASE_LR_END / SOLVER.BASE_LR` must lie in [0, 1] (detectron2's assert).
 *
 * @throws SolverError kind `config` naming both keys, their values and the rule.
 */
export function checkCrossFieldRules(config: SolverConfig, origins: ReadonlyMap<string, string>): void {
  const solver = config.SOLVER;
  if (solver.NESTEROV && solver.MOMENTUM <= 0) {
    throw new SolverError(
      'config',
      `SOLVER.NESTEROV: got true with SOLVER.MOMENTUM ${solver.MOMENTUM}, expected SOLVER.MOMENTUM > 0 ` +
        `(Nesterov momentum needs a momentum)${originOf('SOLVER.NESTEROV', origins)}`,
    );
  }
  if (solver.LR_SCHEDULER_NAME === 'WarmupCosineLR') {
    const ratio: number = solver.BASE_LR_END / solver.BASE_LR;
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new SolverError(
        'config',
        `SOLVER.BASE_LR_END: got ${solver.BASE_LR_END} with SOLVER.BASE_LR ${solver.BASE_LR}, ` +
          `expected SOLVER.BASE_LR_END / SOLVER.BASE_LR in [0, 1] for WarmupCosineLR` +
          originOf('SOLVER.BASE_LR_END', origins),
      );
    }
  }
}
