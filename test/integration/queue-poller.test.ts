// The local event source mapping against the in-process SQS server: batches, partial batch failures,
// redelivery after the visibility timeout, the dead-letter queue after maxReceiveCount.

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { LOCAL_REGION } from '../../src/local/dynamodb-local.js';
import { startQueuePoller, type BatchOutcome, type QueuePoller } from '../../src/local/queue-poller.js';
import { startSqsLocal, type SqsLocal } from '../../src/local/sqs-local.js';
import { deadLetterBodies } from '../support/dead-letters.js';
import { waitFor } from '../support/ws-client.js';

const context = {} as Context;

describe('the local SQS event source mapping', () => {
  let sqs: SqsLocal;
  let poller: QueuePoller | undefined;

  beforeEach(async () => {
    sqs = await startSqsLocal({ visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
  });

  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
    await sqs.stop();
  });

  async function send(bodies: readonly string[]): Promise<void> {
    for (let start = 0; start < bodies.length; start += 10) {
      await sqs.client.send(
        new SendMessageBatchCommand({
          QueueUrl: sqs.queueUrl,
          Entries: bodies
            .slice(start, start + 10)
            .map((body, index) => ({ Id: String(index), MessageBody: body })),
        }),
      );
    }
  }

  function poll(
    handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>,
    outcomes: BatchOutcome[] = [],
    batchSize = 5,
  ): void {
    poller = startQueuePoller({
      client: sqs.client,
      queueUrl: sqs.queueUrl,
      queueArn: sqs.queueArn,
      region: LOCAL_REGION,
      handler,
      context: () => context,
      batchSize,
      maximumConcurrency: 2,
      onBatch: (outcome) => outcomes.push(outcome),
    });
  }

  it('hands every message to the handler in real-shaped batches and deletes what succeeded', async () => {
    const seen: string[] = [];
    let largest = 0;
    poll(async (event) => {
      largest = Math.max(largest, event.Records.length);
      for (const record of event.Records) {
        expect(record.eventSource).toBe('aws:sqs');
        expect(record.eventSourceARN).toBe(sqs.queueArn);
        expect(record.attributes.ApproximateReceiveCount).toBe('1');
        seen.push(record.body);
      }
    });
    const bodies = Array.from({ length: 23 }, (_, index) => `job-${index}`);
    await send(bodies);
    await waitFor(() => seen.length === bodies.length, 10_000, 'every job');
    expect([...seen].sort()).toEqual([...bodies].sort());
    expect(largest).toBeLessThanOrEqual(5);
    await poller?.stop();
    const left = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, WaitTimeSeconds: 0 }),
    );
    expect(left.Messages ?? []).toHaveLength(0);
  });

  it('redelivers only the records a partial batch response names, after the visibility timeout', async () => {
    const receives = new Map<string, number>();
    poll(async (event) => {
      const failures = [];
      for (const record of event.Records) {
        const count = (receives.get(record.body) ?? 0) + 1;
        receives.set(record.body, count);
        // `flaky` fails its first delivery only.
        if (record.body === 'flaky' && count === 1) failures.push({ itemIdentifier: record.messageId });
      }
      return { batchItemFailures: failures };
    });
    await send(['steady', 'flaky']);
    await waitFor(() => receives.get('flaky') === 2, 10_000, 'the failed record to come back');
    expect(receives.get('steady')).toBe(1);
  });

  it('moves a job that keeps failing to the dead-letter queue after maxReceiveCount receives', async () => {
    const outcomes: BatchOutcome[] = [];
    let poisonReceives = 0;
    poll(async (event) => {
      for (const record of event.Records) if (record.body === 'poison') poisonReceives += 1;
      throw new Error('this handler fails every batch');
    }, outcomes);
    await send(['poison']);
    expect(await deadLetterBodies(sqs, 15_000)).toEqual(['poison']);
    expect(poisonReceives).toBe(2);
    expect(outcomes.every((outcome) => outcome.deleted === 0)).toBe(true);
  });

  it('fails the whole batch when the response names a record that is not in it', async () => {
    const receives = new Map<string, number>();
    poll(async (event) => {
      for (const record of event.Records) receives.set(record.body, (receives.get(record.body) ?? 0) + 1);
      return receives.get('only') === 1
        ? { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] }
        : undefined;
    }, []);
    await send(['only']);
    await waitFor(() => receives.get('only') === 2, 10_000, 'the batch to come back');
  });
});
