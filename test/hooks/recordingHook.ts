import type { Hook, HookContext } from '../../src/hooks/Hook.js';

/** A hook that records every call as `name:method:iteration` into a shared log. */
export function recordingHook(name: string, log: string[]): Hook {
  const note =
    (method: string) =>
    (ctx: HookContext): void => {
      log.push(`${name}:${method}:${ctx.iteration}`);
    };
  return {
    beforeTrain: note('beforeTrain'),
    beforeStep: note('beforeStep'),
    afterStep: note('afterStep'),
    afterTrain: note('afterTrain'),
  };
}
