import { describe, expect, it } from '@jest/globals';
import { HookList } from '../../src/hooks/Hook.js';
import { EventStorage } from '../../src/hooks/metrics.js';
import { formatDuration, formatProgressLine, type ProgressDisplay, ProgressHook } from '../../src/hooks/ProgressHook.js';

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

describe(formatProgressLine, () => {
  describe('having 1200 of 2000 at 40 it/s, loss and LR', () => {
    it('should show count, percent, bar, rate, ETA (800 / 40 = 20 s), loss and LR within 80 columns', () => {
      const line: string = formatProgressLine({ value: 1200, total: 2000, rate: 40, loss: 0.123456, lr: 0.0123 });
      // The bar takes what the 14 + 44 characters of numbers leave: 80 - 58 - 5 = 17 cells, 60% of them filled (10).
      expect(line).toBe('1200/2000  60% [##########-------] 40.0 it/s  ETA 0:20  loss 0.1235  lr 1.23e-2');
      expect(line.length).toBeLessThanOrEqual(80);
    });
  });

  describe('having a long run and a narrow terminal', () => {
    it('should shrink the bar, never the numbers: the LR stays whole', () => {
      const values = { value: 45000, total: 90000, rate: 2.5, loss: 12.3456, lr: 0.000123 };
      for (const width of [80, 72, 60]) {
        const line: string = formatProgressLine(values, width);
        expect(line.length).toBeLessThanOrEqual(width);
        expect(line.endsWith('lr 1.23e-4')).toBe(true);
        expect(line).toContain('ETA 5:00:00'); // 45000 iterations at 2.5 it/s
      }
      expect(formatProgressLine(values, 60)).toBe('45000/90000  50% ETA 5:00:00  loss 12.3456  lr 1.23e-4'); // no bar, no rate
      expect(formatProgressLine(values, 40)).toBe('45000/90000  50% [#####----] lr 1.23e-4'); // only the LR left beside the bar
    });
  });

  describe('before the rate is known', () => {
    it('should leave out rate and ETA', () => {
      expect(formatProgressLine({ value: 0, total: 30, rate: undefined, loss: undefined, lr: undefined })).toBe(
        ' 0/30   0% [------------------------------] ',
      );
    });
  });
});

describe(formatDuration, () => {
  it('should write m:ss below an hour and h:mm:ss above', () => {
    expect([formatDuration(0), formatDuration(59.6), formatDuration(61), formatDuration(3600), formatDuration(3725)]).toEqual([
      '0:00',
      '1:00',
      '1:01',
      '1:00:00',
      '1:02:05',
    ]);
  });
});
