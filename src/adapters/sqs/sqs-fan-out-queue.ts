// Driven adapter: FanOutQueuePort on an SQS standard queue. Jobs go out in SendMessageBatch requests of at
// most 10 entries and 256 KiB, several requests at once; entries SQS refuses are retried, then reported.

import {
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  type SQSClientConfig,
} from '@aws-sdk/client-sqs';
import type { FanOutJob, FanOutQueuePort, ReactionSummaryJob } from '../../domain/index.js';

/** SQS's limits for one SendMessageBatch request. */
export const SQS_BATCH_ENTRIES = 10;
export const SQS_BATCH_BYTES = 256 * 1024;

export interface SqsFanOutQueueConfig {
  readonly client: Pick<SQSClient, 'send'>;
  readonly queueUrl: string;
  /**
   * Batch requests in flight at once (default 32): the sender's ack waits for the last of them, so a
   * 100,000-member room's 128 jobs (13 requests) go out in one round trip, not two.
   */
  readonly concurrency?: number;
  /** Rounds for entries that SQS reported as failed inside an accepted batch (throttling, say). */
  readonly attempts?: number;
}

export class FanOutQueueError extends Error {
  override readonly name = 'FanOutQueueError';
}

export class SqsFanOutQueue implements FanOutQueuePort {
  constructor(private readonly config: SqsFanOutQueueConfig) {}

  async enqueue(jobs: readonly FanOutJob[]): Promise<void> {
    const batches = toBatches(jobs.map((job) => JSON.stringify(job)));
    const concurrency = this.config.concurrency ?? 32;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const batch = batches[next] as string[];
        next += 1;
        await this.sendBatch(batch);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  }

  /** One SendMessage with SQS's per-message delay: the message stays invisible to workers until then. */
  async enqueueLater(job: ReactionSummaryJob, delaySeconds: number): Promise<void> {
    await this.config.client.send(
      new SendMessageCommand({
        QueueUrl: this.config.queueUrl,
        MessageBody: JSON.stringify(job),
        DelaySeconds: delaySeconds,
      }),
    );
  }

  private async sendBatch(bodies: readonly string[]): Promise<void> {
    let pending = bodies.map((body, index) => ({ id: String(index), body }));
    const attempts = this.config.attempts ?? 3;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const result = await this.config.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.config.queueUrl,
          Entries: pending.map((entry) => ({ Id: entry.id, MessageBody: entry.body })),
        }),
      );
      const failed = new Set((result.Failed ?? []).map((failure) => failure.Id));
      const senderFault = (result.Failed ?? []).find((failure) => failure.SenderFault === true);
      if (senderFault !== undefined) {
        throw new FanOutQueueError(
          `SQS refused a job: ${senderFault.Code ?? 'unknown'} ${senderFault.Message ?? ''}`,
        );
      }
      pending = pending.filter((entry) => failed.has(entry.id));
      if (pending.length > 0 && attempt >= attempts) {
        throw new FanOutQueueError(`SQS did not take ${pending.length} job(s) after ${attempts} attempts`);
      }
    }
  }
}

/** Groups bodies into batches SQS accepts: at most 10 entries and 256 KiB of bodies each. */
export function toBatches(bodies: readonly string[]): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const body of bodies) {
    const size = Buffer.byteLength(body, 'utf8');
    if (size > SQS_BATCH_BYTES) throw new FanOutQueueError(`a job of ${size} bytes exceeds SQS's 256 KiB`);
    if (current.length === SQS_BATCH_ENTRIES || bytes + size > SQS_BATCH_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(body);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** One client per process, reused by warm invocations; retries with the SDK's standard backoff. */
export function createSqsClient(config: SQSClientConfig = {}): SQSClient {
  return new SQSClient({ maxAttempts: 3, ...config });
}
