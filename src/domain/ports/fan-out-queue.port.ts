// Port (driven): where the sharded fan-out hands its jobs to workers. Implemented by SQS in production.

import type { FanOutJob, ReactionSummaryJob } from '../fan-out/fan-out-job.js';

export interface FanOutQueuePort {
  /**
   * Enqueues every job, or throws: a caller that gets no error may tell the sender its message is on
   * its way. Jobs may be enqueued in several requests; after a throw, some of them may have been taken.
   */
  enqueue(jobs: readonly FanOutJob[]): Promise<void>;

  /** Enqueues one job that no worker may take before `delaySeconds` (0 to 900) have passed, or throws. */
  enqueueLater(job: ReactionSummaryJob, delaySeconds: number): Promise<void>;
}
