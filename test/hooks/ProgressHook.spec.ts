import { describe, expect, it } from '@jest/globals';
import { HookList } from '../../src/hooks/Hook.js';
import { EventStorage } from '../../src/hooks/metrics.js';
import { type ProgressDisplay, ProgressHook } from '../../src/hooks/ProgressHook.js';

function recordingDisplay(log: string[]): ProgressDisplay {
  return {
    start: (total: number, value: number) => {
      log.push(`start ${value}/${total}`);
    },
    update: (value: number, values) => {
      log.push(`update ${value} lr ${values.lr ?? '-'}`);
    },
    stop: () => {
      log.push('stop');
    },
  };
}

describe(ProgressHook, () => {
  const ctx = (iteration: number, maxIter: number = 3) => ({ iteration, startIter: 1, maxIter, loss: null, storage: new EventStorage() });

  describe('having a run from 1 to 3 followed by a hook that logs in afterTrain', () => {
    it('should stop the bar after the last step, once, before the later afterTrain logs', async () => {
      const log: string[] = [];
      const hooks = new HookList([
        new ProgressHook(recordingDisplay(log)),
        {
          afterTrain: () => {
            log.push('timer summary');
          },
        },
      ]);
      await hooks.beforeTrain(ctx(1));
      await hooks.afterStep(ctx(1));
      await hooks.afterStep(ctx(2));
      await hooks.afterTrain(ctx(3));
      expect(log).toEqual(['start 1/3', 'update 2 lr -', 'update 3 lr -', 'stop', 'timer summary']);
    });
  });

  describe('when training stops early', () => {
    it('should stop the bar in afterTrain', () => {
      const log: string[] = [];
      const hook = new ProgressHook(recordingDisplay(log));
      hook.beforeTrain(ctx(1));
      hook.afterStep(ctx(1));
      hook.afterTrain();
      expect(log).toEqual(['start 1/3', 'update 2 lr -', 'stop']);
    });
  });
});
