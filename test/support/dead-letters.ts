// Test support: waiting for jobs to land in a local SQS dead-letter queue (src/local/sqs-local.ts), for
// the tests that follow a job the fan-out worker or the poller keeps failing.

import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SqsLocal } from '../../src/local/sqs-local.js';
import { waitFor } from './ws-client.js';

type DeadLetterQueue = Pick<SqsLocal, 'client' | 'deadLetterQueueUrl'>;

/**
 * One receive of up to ten bodies. It does not wait (WaitTimeSeconds 0), so the polling stays within the
 * test's own deadline.
 */
async function receiveBodies(sqs: DeadLetterQueue): Promise<string[]> {
  const result = await sqs.client.send(
    new ReceiveMessageCommand({
      QueueUrl: sqs.deadLetterQueueUrl,
      WaitTimeSeconds: 0,
      MaxNumberOfMessages: 10,
    }),
  );
  return (result.Messages ?? []).map((message) => message.Body ?? '');
}

/** The bodies of the first receive that finds the dead-letter queue not empty; times out after `timeoutMs`. */
export async function deadLetterBodies(sqs: DeadLetterQueue, timeoutMs: number): Promise<string[]> {
  let bodies: string[] = [];
  await waitFor(
    async () => {
      bodies = await receiveBodies(sqs);
      return bodies.length > 0;
    },
    timeoutMs,
    'the dead-letter queue',
  );
  return bodies;
}

/**
 * Every body received from the dead-letter queue until `wanted` is among them; times out after `timeoutMs`.
 * For a queue that other jobs may reach too (a job that outlives a short visibility timeout three times).
 */
export async function deadLettersUntil(
  sqs: DeadLetterQueue,
  wanted: string,
  timeoutMs: number,
): Promise<string[]> {
  const seen: string[] = [];
  await waitFor(
    async () => {
      seen.push(...(await receiveBodies(sqs)));
      return seen.includes(wanted);
    },
    timeoutMs,
    `${wanted} in the dead-letter queue`,
  );
  return seen;
}
