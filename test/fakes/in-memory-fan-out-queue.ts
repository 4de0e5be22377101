// Test fake for FanOutQueuePort: keeps enqueued shard jobs in order until a test takes them out to run
// them through DeliverShard (and delayed jobs apart, with their delay), and can be told to fail, as a
// queue that is down or throttling would.

import {
  parseFanOutJob,
  parseWorkerJob,
  type FanOutJob,
  type FanOutQueuePort,
  type ReactionSummaryJob,
} from '../../src/domain/index.js';

export class InMemoryFanOutQueue implements FanOutQueuePort {
  private readonly waiting: FanOutJob[] = [];
  private failingCalls = 0;
  private failingAlways = false;
  /** Every `enqueue` call made, failed ones included. */
  calls = 0;

  /**
   * Records every job or, when told to fail, throws and records none. Each job goes through the same
   * body codec a real queue's worker uses, so a job only the sender could read would show up here.
   */
  async enqueue(jobs: readonly FanOutJob[]): Promise<void> {
    this.calls += 1;
    if (this.failingAlways || this.failingCalls > 0) {
      this.failingCalls = Math.max(0, this.failingCalls - 1);
      throw new Error('fan-out queue unavailable');
    }
    const bodies = jobs.map((job) => parseFanOutJob(JSON.stringify(job)));
    this.waiting.push(...bodies);
  }

  /** Delayed jobs with their delay, oldest first; a test runs them when it lets the time pass. */
  readonly later: { job: ReactionSummaryJob; delaySeconds: number }[] = [];

  async enqueueLater(job: ReactionSummaryJob, delaySeconds: number): Promise<void> {
    this.calls += 1;
    if (this.failingAlways || this.failingCalls > 0) {
      this.failingCalls = Math.max(0, this.failingCalls - 1);
      throw new Error('fan-out queue unavailable');
    }
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 900) {
      throw new Error(`SQS takes a delay of 0 to 900 whole seconds, not ${delaySeconds}`);
    }
    this.later.push({ job: parseWorkerJob(JSON.stringify(job)) as ReactionSummaryJob, delaySeconds });
  }

  /** Makes every later call fail (`true`) or succeed again (`false`). */
  failAlways(failing = true): void {
    this.failingAlways = failing;
  }

  /** Makes the next `count` calls fail; later calls succeed. */
  failNext(count = 1): void {
    this.failingCalls = count;
  }

  /** The jobs waiting, oldest first, left in the queue. */
  pending(): readonly FanOutJob[] {
    return [...this.waiting];
  }

  /** Takes the oldest waiting job out of the queue, if any. */
  take(): FanOutJob | undefined {
    return this.waiting.shift();
  }

  /** Takes every waiting job out of the queue, oldest first. */
  drain(): FanOutJob[] {
    return this.waiting.splice(0, this.waiting.length);
  }
}
