import type { Container } from 'inversify';
import type { FileStore } from '../io/FileStore.js';
import type { Hook } from '../hooks/Hook.js';
import { Solver } from './Solver.js';
import { resolve, resolveAll } from './resolve.js';
import { TOKENS } from './TOKENS.js';

/** Options of {@link createSolver}. */
export interface CreateSolverOptions {
  /** Load the newest intact checkpoint of `OUTPUT_DIR` before returning (`--resume`). Default false. */
  readonly resume?: boolean;
}

/**
 * Resolves a {@link Solver} from a container loaded with `solverModule(config)` and a bound
 * `TOKENS.Model`: the one call that plugs tfjs-solver into your training.
 *
 * Why async: when no `TOKENS.FileStore` is bound it loads the Node file store on demand (so the
 * package itself stays importable in a browser), and `resume` reads a checkpoint.
 * Make every `bind`/`rebind` before this call; the parts are singletons resolved here.
 *
 * @param container the container.
 * @param options see {@link CreateSolverOptions}.
 * @throws inversify's "No bindings found" when `TOKENS.Model` is not bound; SolverError from
 *   building the parts (config errors) or from `resume`.
 * @example
 * ```ts
 * const solver = await createSolver(container, { resume: true });
 * model.compile({ optimizer: solver.optimizer, loss: 'meanSquaredError' });
 * await solver.fit(model, xs, ys, { epochs: 50, batchSize: 32 });
 * ```
 */
export async function createSolver(container: Container, options: CreateSolverOptions = {}): Promise<Solver> {
  if (!container.isBound(TOKENS.FileStore)) {
    const files: FileStore = (await import('../io/nodeFileStore.js')).nodeFileStore;
    container.bind(TOKENS.FileStore).toConstantValue(files);
  }
  const hooks: Hook[] = resolveAll(container, TOKENS.Hook);
  const solver: Solver = new Solver({
    optimizer: resolve(container, TOKENS.Optimizer),
    scheduler: resolve(container, TOKENS.Scheduler),
    checkpointer: resolve(container, TOKENS.Checkpointer),
    hooks,
    maxIter: resolve(container, TOKENS.Config).SOLVER.MAX_ITER,
  });
  if (options.resume === true) await solver.resume();
  return solver;
}
