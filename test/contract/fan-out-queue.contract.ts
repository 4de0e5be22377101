// Contract: the behaviour every FanOutQueuePort must show, run against the fake and the SQS adapter on
// the local SQS server: every job taken once and readable by the worker's codec, or a throw.

import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  directConversation,
  type FanOutJob,
  type FanOutQueuePort,
  type ReactionSummaryJob,
  type ServerEvent,
  type WorkerJob,
} from '../../src/domain/index.js';

export interface FanOutQueueUnderTest {
  readonly queue: FanOutQueuePort;
  /** Every job waiting, as a worker would read it, taken off the queue. */
  drain(): Promise<FanOutJob[]>;
  /** Waits until delayed jobs may be seen (at most a few seconds past their delay), and takes them. */
  drainDelayed(count: number): Promise<WorkerJob[]>;
  /** Makes the queue unreachable, then reachable again. */
  breakQueue(): Promise<void>;
  mendQueue(): Promise<void>;
}

const event = (text: string): ServerEvent => ({
  type: 'message',
  room: 'big',
  seq: 1,
  messageId: 'm-1',
  from: { userId: 'alice', displayName: 'Alice' },
  text,
  sentAt: 1,
});

const roomJob = (bucket: number, text = 'hello'): FanOutJob => ({
  shard: { kind: 'room', room: 'big', bucket },
  event: event(text),
});

const sorted = (jobs: readonly FanOutJob[]): string[] => jobs.map((job) => JSON.stringify(job)).sort();

export function fanOutQueueContract(name: string, make: () => Promise<FanOutQueueUnderTest>): void {
  describe(`FanOutQueuePort contract: ${name}`, () => {
    let subject: FanOutQueueUnderTest;

    beforeEach(async () => {
      subject = await make();
      await subject.drain();
    });

    it('takes every job once, more than one request holds, each readable by the worker', async () => {
      const jobs = Array.from({ length: 25 }, (_, bucket) => roomJob(bucket));
      await subject.queue.enqueue(jobs);
      expect(sorted(await subject.drain())).toEqual(sorted(jobs));
      expect(await subject.drain()).toEqual([]);
    });

    it('keeps a follow-up cursor, an excluded connection and a broadcast partition as they were', async () => {
      const jobs: FanOutJob[] = [
        {
          shard: { kind: 'room', room: 'big', bucket: 3, except: 'conn-1' },
          event: event('x'),
          cursor: 'abc',
        },
        { shard: { kind: 'everyone', partition: 15 }, event: { type: 'pong', serverTime: 5 } },
      ];
      await subject.queue.enqueue(jobs);
      expect(sorted(await subject.drain())).toEqual(sorted(jobs));
    });

    it('takes jobs whose bodies together exceed what one request may carry', async () => {
      // Four jobs of about 100 KB: one SQS request carries at most 256 KiB.
      const jobs = Array.from({ length: 4 }, (_, bucket) => roomJob(bucket, 'x'.repeat(100_000)));
      await subject.queue.enqueue(jobs);
      expect(sorted(await subject.drain())).toEqual(sorted(jobs));
    });

    it('takes nothing and does not fail for an empty list', async () => {
      await subject.queue.enqueue([]);
      expect(await subject.drain()).toEqual([]);
    });

    it('holds a delayed job back from workers until its delay has passed, then gives it once', async () => {
      const job: ReactionSummaryJob = {
        reactionSummary: { conversation: directConversation('bob', 'alice'), seq: 7 },
      };
      await subject.queue.enqueueLater(job, 2);
      expect(await subject.drain()).toEqual([]);
      expect(await subject.drainDelayed(1)).toEqual([job]);
      expect(await subject.drain()).toEqual([]);
    });

    it('refuses a delay the queue cannot hold', async () => {
      const job: ReactionSummaryJob = {
        reactionSummary: { conversation: directConversation('a', 'b'), seq: 1 },
      };
      await expect(subject.queue.enqueueLater(job, 901)).rejects.toThrow();
    });

    it('throws when the queue cannot be reached, and takes jobs again once it can', async () => {
      await subject.breakQueue();
      await expect(subject.queue.enqueue([roomJob(0)])).rejects.toThrow();
      await subject.mendQueue();
      await subject.queue.enqueue([roomJob(1)]);
      expect(sorted(await subject.drain())).toEqual(sorted([roomJob(1)]));
    });
  });
}
