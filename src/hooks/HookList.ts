import type { Hook } from './Hook.js';
import type { HookContext } from './HookContext.js';

/**
 * An ordered list of hooks that is itself a {@link Hook}: each call awaits every hook's method
 * serially, in registration order.
 *
 * Why serial: hooks depend on one another's effects within a step (the LR hook records the LR
 * before the metrics writer reads it), and tfjs callbacks are awaited one after another too.
 * `afterTrain` calls every hook even when one throws, then rethrows the first error, so one
 * failing hook cannot stop the checkpointer from closing its files.
 *
 * @example
 * ```ts
 * const hooks = new HookList([lrHook, timer, writer]);
 * const remove = hooks.add(myHook);   // registered last; remove() takes it out again
 * ```
 */
export class HookList implements Hook {
  private readonly hooks: Hook[];

  /** @param hooks the initial hooks, in the order they run (copied). */
  public constructor(hooks: readonly Hook[] = []) {
    this.hooks = [...hooks];
  }

  /** The registered hooks, in order (a copy). */
  public get list(): readonly Hook[] {
    return [...this.hooks];
  }

  /**
   * Registers `hook` after the existing ones.
   * @returns a function that unregisters it (does nothing when already removed).
   */
  public add(hook: Hook): () => void {
    this.hooks.push(hook);
    return (): void => {
      const index: number = this.hooks.indexOf(hook);
      if (index >= 0) this.hooks.splice(index, 1);
    };
  }

  /** Runs every hook's `beforeTrain`, in order. */
  public async beforeTrain(ctx: HookContext): Promise<void> {
    for (const hook of [...this.hooks]) await hook.beforeTrain?.(ctx);
  }

  /** Runs every hook's `beforeStep`, in order. */
  public async beforeStep(ctx: HookContext): Promise<void> {
    for (const hook of this.hooks) await hook.beforeStep?.(ctx);
  }

  /** Runs every hook's `afterStep`, in order. */
  public async afterStep(ctx: HookContext): Promise<void> {
    for (const hook of this.hooks) await hook.afterStep?.(ctx);
  }

  /** Runs every hook's `afterTrain`, in order, even past a failing one; rethrows the first failure. */
  public async afterTrain(ctx: HookContext): Promise<void> {
    const failures: unknown[] = [];
    for (const hook of [...this.hooks]) {
      try {
        await hook.afterTrain?.(ctx);
      } catch (error: unknown) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}
