import { describe, expect, it } from '@jest/globals';
import { shouldDrawProgress, terminalProgressDisplay } from '../../src/cli/train.js';

describe(shouldDrawProgress, () => {
  it('should draw only on a terminal without --json', () => {
    expect(shouldDrawProgress(false, { isTTY: true })).toBe(true);
    expect(shouldDrawProgress(true, { isTTY: true })).toBe(false);
    expect(shouldDrawProgress(false, { isTTY: false })).toBe(false);
    expect(shouldDrawProgress(false, {})).toBe(false);
  });
});

describe(terminalProgressDisplay, () => {
  function terminal(columns: number): { write(text: string): void; readonly columns: number; writes: string[] } {
    const writes: string[] = [];
    return { columns, writes, write: (text: string): void => void writes.push(text) };
  }

  describe('having a run of 100 iterations over 10 s', () => {
    it('should redraw in place, end the line once on stop, and draw nothing after it (Ctrl-C summary stays intact)', () => {
      const stream = terminal(80);
      let now: number = 0;
      const display = terminalProgressDisplay(stream, () => now);
      display.start(100, 0, { lr: undefined, loss: undefined });
      now = 5000;
      display.update(50, { lr: 0.1, loss: 0.5 });
      now = 5050; // within 100 ms of the last draw: skipped
      display.update(51, { lr: 0.1, loss: 0.5 });
      display.stop();
      display.update(52, { lr: 0.1, loss: 0.5 });
      display.stop();
      expect(stream.writes).toHaveLength(4);
      expect(stream.writes[1]).toBe('\r 50/100  50% [#########---------] 10.0 it/s  ETA 0:05  loss 0.5000  lr 1.00e-1\u001b[K');
      expect(stream.writes[2]).toContain(' 51/100');
      expect(stream.writes[3]).toBe('\n');
      for (const text of stream.writes.slice(0, 3)) expect(text.replace('\r', '').replace('\u001b[K', '').length).toBeLessThanOrEqual(79);
    });
  });
});
