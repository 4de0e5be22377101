// Contract runs for the SQS adapter on the local SQS server (the npm package local-aws-sqs), through
// the real AWS SDK client.

import { afterAll } from '@jest/globals';
import { DeleteMessageBatchCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createSqsClient, SqsFanOutQueue } from '../../src/adapters/sqs/index.js';
import { parseFanOutJob, parseWorkerJob, type FanOutJob, type WorkerJob } from '../../src/domain/index.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/dynamodb-local.js';
import { startSqsLocal, type SqsLocal } from '../../src/local/sqs-local.js';
import { fanOutQueueContract } from './fan-out-queue.contract.js';

let sqs: SqsLocal | undefined;

afterAll(async () => {
  await sqs?.stop();
});

fanOutQueueContract('SQS on the local server', async () => {
  sqs ??= await startSqsLocal();
  let server = sqs;
  // A client of its own, as a function has: it keeps working across a restart of the server.
  const client = createSqsClient({
    region: LOCAL_REGION,
    endpoint: server.endpoint,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  const queue = new SqsFanOutQueue({ client, queueUrl: server.queueUrl });
  return {
    queue,
    async drain() {
      const jobs: FanOutJob[] = [];
      for (;;) {
        const { Messages = [] } = await server.client.send(
          new ReceiveMessageCommand({
            QueueUrl: server.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
          }),
        );
        if (Messages.length === 0) return jobs;
        jobs.push(...Messages.map((message) => parseFanOutJob(message.Body ?? '')));
        await server.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: server.queueUrl,
            Entries: Messages.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle as string,
            })),
          }),
        );
      }
    },
    async drainDelayed(count) {
      const jobs: WorkerJob[] = [];
      // Long polls: each returns as soon as a job turns visible, so this waits on the condition.
      for (let polls = 0; jobs.length < count && polls < 5; polls += 1) {
        const { Messages = [] } = await server.client.send(
          new ReceiveMessageCommand({
            QueueUrl: server.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 2,
          }),
        );
        for (const message of Messages) {
          jobs.push(parseWorkerJob(message.Body ?? ''));
          await server.client.send(
            new DeleteMessageCommand({ QueueUrl: server.queueUrl, ReceiptHandle: message.ReceiptHandle }),
          );
        }
      }
      return jobs;
    },
    async breakQueue() {
      await server.stop();
    },
    async mendQueue() {
      server = await startSqsLocal({ port: server.port });
      sqs = server;
    },
  };
});
