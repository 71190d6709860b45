import { describe, expect, it } from '@jest/globals';
import { type HookContext, HookList } from '../../src/hooks/Hook.js';
import { EventStorage } from '../../src/hooks/metrics.js';
import { recordingHook } from './recordingHook.js';

const ctx: HookContext = { iteration: 3, startIter: 0, maxIter: 10, loss: null, storage: new EventStorage() };

describe(HookList, () => {
  describe('having three hooks, one of them async', () => {
    it('should call them in registration order, awaiting each before the next', async () => {
      const log: string[] = [];
      const slow = {
        async afterStep(): Promise<void> {
          await new Promise((resolve) => setTimeout(resolve, 5));
          log.push('slow:afterStep');
        },
      };
      const hooks: HookList = new HookList([recordingHook('a', log), slow, recordingHook('b', log)]);
      await hooks.afterStep(ctx);
      expect(log).toEqual(['a:afterStep:3', 'slow:afterStep', 'b:afterStep:3']);
    });
  });

  describe('when a hook is added and then removed with its disposer', () => {
    it('should run it only while registered', async () => {
      const log: string[] = [];
      const hooks: HookList = new HookList([recordingHook('a', log)]);
      const remove: () => void = hooks.add(recordingHook('b', log));
      await hooks.beforeStep(ctx);
      remove();
      remove();
      await hooks.beforeStep(ctx);
      expect(log).toEqual(['a:beforeStep:3', 'b:beforeStep:3', 'a:beforeStep:3']);
      expect(hooks.list).toHaveLength(1);
    });
  });

  describe('when an afterTrain throws', () => {
    it('should still run the later hooks and then rethrow the first error', async () => {
      const log: string[] = [];
      const failing = {
        afterTrain(): void {
          throw new Error('first');
        },
      };
      const alsoFailing = {
        afterTrain(): void {
          throw new Error('second');
        },
      };
      const hooks: HookList = new HookList([failing, recordingHook('a', log), alsoFailing]);
      await expect(hooks.afterTrain(ctx)).rejects.toThrow('first');
      expect(log).toEqual(['a:afterTrain:3']);
    });
  });
});

describe(EventStorage, () => {
  describe('having values put over two windows', () => {
    it('should report the latest value and the mean of the current window', () => {
      const storage: EventStorage = new EventStorage();
      storage.put('time', 0.2);
      storage.put('time', 0.4);
      expect(storage.latest('time')).toBe(0.4);
      expect(storage.windowMean('time')).toBeCloseTo(0.3, 12);
      storage.resetWindow();
      expect(storage.windowMean('time')).toBeUndefined();
      expect(storage.latest('time')).toBe(0.4);
      storage.put('time', 1);
      expect(storage.windowMean('time')).toBe(1);
      expect(storage.latest('lr')).toBeUndefined();
    });
  });
});
