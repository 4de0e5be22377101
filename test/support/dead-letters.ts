// Test support: waiting for jobs to land in a local SQS dead-letter queue (src/local/sqs-local.ts), for
// the tests that follow a job the fan-out worker or the poller keeps failing.

import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SqsLocal } from '../../src/local/sqs-local.js';
import { waitFor } from './ws-client.js';

/**
 * The bodies of the first receive that finds the dead-letter queue not empty; times out after `timeoutMs`.
 * Receives do not wait (WaitTimeSeconds 0) so the polling stays within the test's own deadline.
 */
export async function deadLetterBodies(
  sqs: Pick<SqsLocal, 'client' | 'deadLetterQueueUrl'>,
  timeoutMs: number,
): Promise<string[]> {
  let bodies: string[] = [];
  await waitFor(
    async () => {
      const result = await sqs.client.send(
        new ReceiveMessageCommand({ QueueUrl: sqs.deadLetterQueueUrl, WaitTimeSeconds: 0 }),
      );
      bodies = (result.Messages ?? []).map((message) => message.Body ?? '');
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
  sqs: Pick<SqsLocal, 'client' | 'deadLetterQueueUrl'>,
  wanted: string,
  timeoutMs: number,
): Promise<string[]> {
  const seen: string[] = [];
  await waitFor(
    async () => {
      const result = await sqs.client.send(
        new ReceiveMessageCommand({
          QueueUrl: sqs.deadLetterQueueUrl,
          WaitTimeSeconds: 0,
          MaxNumberOfMessages: 10,
        }),
      );
      seen.push(...(result.Messages ?? []).map((message) => message.Body ?? ''));
      return seen.includes(wanted);
    },
    timeoutMs,
    `${wanted} in the dead-letter queue`,
  );
  return seen;
}
