import { SolverError } from '../../errors/SolverError.js';
import type { Checkpointer } from '../../hooks/checkpoint/Checkpointer.js';
import { periodicCheckpointName } from '../../hooks/checkpoint/checkpointNames.js';
import type { Hook } from '../../hooks/Hook.js';
import type { HookContext } from '../../hooks/HookContext.js';

/**
 * Stops training cleanly once `signal` is aborted (the train command aborts it on Ctrl-C): before
 * the next step it saves a checkpoint at that iteration, then throws, so `afterTrain` still runs
 * (the last metrics line is written, the progress bar restores the cursor) and `--resume`
 * continues exactly where it stopped, losing no step.
 *
 * Why in `beforeStep`: there every step before this iteration is complete and none after it has
 * started, the one moment a checkpoint is exact. It costs one boolean check per step.
 *
 * @param signal aborted to request the stop.
 * @param checkpointer writes the checkpoint.
 * @returns the hook; register it last.
 */
export function interruptHook(signal: AbortSignal, checkpointer: Checkpointer): Hook {
  return {
    async beforeStep(ctx: HookContext): Promise<void> {
      if (!signal.aborted) return;
      const name: string = periodicCheckpointName(ctx.iteration);
      await checkpointer.save(name, ctx.iteration);
      throw new SolverError('state', `interrupted before iteration ${ctx.iteration}: saved ${name}; continue with --resume`);
    },
  };
}
