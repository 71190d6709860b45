import type { LearningRateTarget } from '../../src/sched/lrScheduler.js';

// A LearningRateTarget that records every write: the fake optimizer of the sched tests.
export class FakeTarget implements LearningRateTarget {
  public readonly writes: (readonly number[])[] = [];

  public constructor(public readonly baseLearningRates: readonly number[]) {}

  public setLearningRates(lrs: readonly number[]): void {
    this.writes.push([...lrs]);
  }

  public get last(): readonly number[] | undefined {
    return this.writes[this.writes.length - 1];
  }
}
