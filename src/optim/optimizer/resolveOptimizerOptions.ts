import { SolverError } from '../../errors/index.js';
import type { Clipper } from '../clip/Clipper.js';
import type { ClipperOptions, NonFinitePolicy } from '../clip/ClipperOptions.js';
import { fusedGradientClipper } from '../kernels/fusedGradientClipper.js';
import { selectGroupUpdates, type GroupUpdates } from '../updates/selectGroupUpdates.js';
import type { OptimizerGroup } from './OptimizerGroup.js';
import type { OptimizerAlgorithm, SolverOptimizerOptions } from './SolverOptimizerOptions.js';
import { withStats } from './withStats.js';

/** Everything SolverOptimizer needs, validated, with defaults filled in. */
export interface ResolvedOptimizerOptions {
  readonly algorithm: OptimizerAlgorithm;
  readonly groups: OptimizerGroup[];
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly clip: ClipperOptions | null;
  /** The policy the step follows: the clip options' when given, else `nonFinite` (default `skip`). */
  readonly nonFinite: NonFinitePolicy;
  readonly clipper: Required<Clipper>;
  readonly selectUpdates: (backendName: string) => GroupUpdates;
}

const ALGORITHMS: readonly OptimizerAlgorithm[] = ['SGD', 'Adam', 'AdamW'];

/**
 * Validates SolverOptimizer's options and fills in the defaults.
 *
 * @throws SolverError('argument') naming the option or group, echoing the value, stating the rule.
 */
export function resolveOptimizerOptions(options: SolverOptimizerOptions): ResolvedOptimizerOptions {
  const algorithm = options.algorithm ?? 'SGD';
  const momentum = options.momentum ?? 0;
  const nesterov = options.nesterov ?? false;
  const betas = options.betas ?? [0.9, 0.999];
  const eps = options.eps ?? 1e-8;
  if (!ALGORITHMS.includes(algorithm)) fail(`algorithm: got '${algorithm as string}', expected one of ${ALGORITHMS.join(', ')}`);
  if (!(momentum >= 0 && Number.isFinite(momentum))) fail(`momentum: got ${momentum}, expected a finite number >= 0`);
  if (nesterov && momentum === 0) fail('nesterov: got true with momentum 0, Nesterov momentum needs momentum > 0');
  if (!betas.every((b) => b >= 0 && b < 1)) fail(`betas: got [${betas.join(', ')}], expected two numbers in [0, 1)`);
  if (!(eps > 0)) fail(`eps: got ${eps}, expected a number > 0`);
  const clip = options.clip ?? null;
  const nonFinite = (options.clipper === undefined ? clip?.nonFinite : undefined) ?? options.nonFinite ?? 'skip';
  // The fused clipper measures the global norm with one kernel pass on cpu/wasm and is
  // buildGradientClipper's clipper everywhere else, so it is the right default on every backend.
  const factory = options.clipperFactory ?? fusedGradientClipper;
  const base = options.clipper ?? factory(clip ?? { clipType: 'none', nonFinite });
  const clipper = withStats(base, nonFinite);
  const groups = resolveGroups(options);
  return { algorithm, groups, momentum, nesterov, betas, eps, clip, nonFinite, clipper, selectUpdates: options.selectUpdates ?? selectGroupUpdates };
}

function resolveGroups(options: SolverOptimizerOptions): OptimizerGroup[] {
  const seen = new Set<string>();
  return options.groups.map((group, i) => {
    const lr = group.lr ?? options.lr;
    const weightDecay = group.weightDecay ?? options.weightDecay ?? 0;
    if (lr === undefined || !(Number.isFinite(lr) && lr >= 0)) {
      fail(`groups[${i}].lr: got ${String(lr)}, expected a finite number >= 0 (set it on the group or pass lr)`);
    }
    if (!(Number.isFinite(weightDecay) && weightDecay >= 0)) {
      fail(`groups[${i}].weightDecay: got ${weightDecay}, expected a finite number >= 0`);
    }
    const names = group.params.map((p) => (typeof p === 'string' ? p : p.name));
    for (const name of names) {
      if (seen.has(name)) fail(`groups[${i}]: variable '${name}' is already in an earlier group; each variable belongs to one group`);
      seen.add(name);
    }
    return { names, baseLr: lr, lr, weightDecay };
  });
}

function fail(message: string): never {
  throw new SolverError('argument', message);
}
