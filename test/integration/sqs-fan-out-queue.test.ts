// Integration: the SQS fan-out queue's requests in flight, against the local SQS server through the real
// SDK client, and its handling of entries SQS refuses inside an accepted batch, against a fake client.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SendMessageBatchCommand,
  type SendMessageBatchResult,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { createSqsClient, FanOutQueueError, SqsFanOutQueue } from '../../src/adapters/sqs/index.js';
import type { FanOutJob } from '../../src/domain/index.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/dynamodb-local.js';
import { startSqsLocal, type SqsLocal } from '../../src/local/sqs-local.js';

const job = (bucket: number): FanOutJob => ({
  shard: { kind: 'room', room: 'big', bucket },
  event: { type: 'pong', serverTime: bucket },
});

describe('requests in flight, on the local SQS server', () => {
  let sqs: SqsLocal;

  beforeAll(async () => {
    sqs = await startSqsLocal();
  });

  afterAll(async () => {
    await sqs.stop();
  });

  async function drainCount(): Promise<number> {
    let count = 0;
    for (;;) {
      const { Messages = [] } = await sqs.client.send(
        new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) return count;
      count += Messages.length;
      await sqs.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: sqs.queueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
        }),
      );
    }
  }

  it.each([1, 2])('keeps to a concurrency of %i batch request(s) at once', async (concurrency) => {
    const client = createSqsClient({
      region: LOCAL_REGION,
      endpoint: sqs.endpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    let open = 0;
    let most = 0;
    // Counts the requests open at once, around the whole send.
    client.middlewareStack.add(
      (next) => async (args) => {
        open += 1;
        most = Math.max(most, open);
        try {
          return await next(args);
        } finally {
          open -= 1;
        }
      },
      { step: 'initialize', name: 'countOpenRequests' },
    );
    try {
      // 45 jobs: five batches of ten or fewer.
      await new SqsFanOutQueue({ client, queueUrl: sqs.queueUrl, concurrency }).enqueue(
        Array.from({ length: 45 }, (_, bucket) => job(bucket)),
      );
      expect(most).toBe(concurrency);
      expect(await drainCount()).toBe(45);
    } finally {
      client.destroy();
    }
  });
});

type BatchAnswer = (ids: string[]) => SendMessageBatchResult;

/**
 * A fake SQS client: the local server accepts every entry of a batch it accepts, so the partial failures
 * SQS reports for throttled or refused entries can only be made up. It records the entry ids of every
 * SendMessageBatch, answers with `answers` in turn (the last one repeated), and stops after 10 calls so
 * a retry loop that never ends fails instead of spinning.
 */
function fakeSqs(...answers: BatchAnswer[]) {
  const calls: { ids: string[]; bodies: string[] }[] = [];
  const client = {
    send: async (command: SendMessageBatchCommand) => {
      const entries = command.input.Entries ?? [];
      calls.push({
        ids: entries.map((e) => e.Id as string),
        bodies: entries.map((e) => e.MessageBody as string),
      });
      if (calls.length > 10) throw new Error('more than 10 SendMessageBatch calls for one batch');
      const answer = answers[Math.min(calls.length, answers.length) - 1] as BatchAnswer;
      return answer(entries.map((e) => e.Id as string));
    },
  } as unknown as Pick<SQSClient, 'send'>;
  return { client, calls };
}

const acceptAll: BatchAnswer = (ids) => ({
  Successful: ids.map((Id) => ({ Id, MessageId: `m-${Id}`, MD5OfMessageBody: '' })),
  Failed: [],
});
/** Refuses the entries with these ids as throttled (not the sender's fault), accepts the rest. */
const throttle =
  (...refused: string[]): BatchAnswer =>
  (ids) => ({
    Successful: ids
      .filter((Id) => !refused.includes(Id))
      .map((Id) => ({ Id, MessageId: `m-${Id}`, MD5OfMessageBody: '' })),
    Failed: ids
      .filter((Id) => refused.includes(Id))
      .map((Id) => ({ Id, SenderFault: false, Code: 'ThrottlingException', Message: 'Rate exceeded' })),
  });

describe('entries SQS refuses inside an accepted batch', () => {
  it('sends again only the refused entries, until SQS takes them', async () => {
    const fake = fakeSqs(throttle('1'), acceptAll);
    const jobs = [job(0), job(1), job(2)];

    await new SqsFanOutQueue({ client: fake.client, queueUrl: 'q' }).enqueue(jobs);

    expect(fake.calls.map((call) => call.ids)).toEqual([['0', '1', '2'], ['1']]);
    expect(fake.calls[1]?.bodies).toEqual([JSON.stringify(jobs[1])]);
  });

  it('takes a batch that SQS takes whole only on the last allowed attempt', async () => {
    const fake = fakeSqs(throttle('0'), throttle('0'), acceptAll);

    await new SqsFanOutQueue({ client: fake.client, queueUrl: 'q', attempts: 3 }).enqueue([job(0), job(1)]);

    expect(fake.calls.map((call) => call.ids)).toEqual([['0', '1'], ['0'], ['0']]);
  });

  it('takes a batch at once with a single attempt allowed', async () => {
    const fake = fakeSqs(acceptAll);

    await new SqsFanOutQueue({ client: fake.client, queueUrl: 'q', attempts: 1 }).enqueue([job(0)]);

    expect(fake.calls).toHaveLength(1);
  });

  it('gives up after the allowed attempts, saying how many jobs were left', async () => {
    const fake = fakeSqs(throttle('0', '2'));

    const error = await new SqsFanOutQueue({ client: fake.client, queueUrl: 'q' })
      .enqueue([job(0), job(1), job(2)])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FanOutQueueError);
    expect(error).toMatchObject({
      name: 'FanOutQueueError',
      message: 'SQS did not take 2 job(s) after 3 attempts',
    });
    expect(fake.calls.map((call) => call.ids)).toEqual([
      ['0', '1', '2'],
      ['0', '2'],
      ['0', '2'],
    ]);
  });

  it('fails at once, without a retry, when SQS says an entry is the sender’s fault, naming why', async () => {
    const fake = fakeSqs((ids) => ({
      Successful: [],
      Failed: [
        { Id: ids[0] as string, SenderFault: false, Code: 'ThrottlingException' },
        { Id: ids[1] as string, SenderFault: true, Code: 'InvalidParameterValue', Message: 'bad attribute' },
      ],
    }));

    const error = await new SqsFanOutQueue({ client: fake.client, queueUrl: 'q' })
      .enqueue([job(0), job(1)])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FanOutQueueError);
    expect(error).toMatchObject({ message: 'SQS refused a job: InvalidParameterValue bad attribute' });
    expect(fake.calls).toHaveLength(1);
  });

  it('names the code alone when SQS gives no message', async () => {
    // The message is optional in SQS's answer; the code is not.
    const fake = fakeSqs((ids) => ({
      Successful: [],
      Failed: [{ Id: ids[0] as string, SenderFault: true, Code: 'InvalidMessageContents' }],
    }));

    const error = await new SqsFanOutQueue({ client: fake.client, queueUrl: 'q' })
      .enqueue([job(0)])
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'FanOutQueueError',
      message: 'SQS refused a job: InvalidMessageContents ',
    });
    expect(fake.calls).toHaveLength(1);
  });
});
