// Local stack: the queue poller on an empty queue. Each loop pauses after a receive that found nothing, so an
// idle stack does not spend its event loop on receives back to back. A stub client answers at once, and
// Jest's fake clock stands in for the pause.

import { afterEach, beforeEach, expect, it, jest } from '@jest/globals';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { EMPTY_RECEIVE_PAUSE_MS, startQueuePoller } from '../../src/local/queue-poller.js';

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

/** A client whose every receive finds the queue empty, counting the receives. */
function emptyQueue() {
  const counter = { receives: 0 };
  const client = {
    send: async () => {
      counter.receives += 1;
      return { Messages: [] };
    },
  } as unknown as SQSClient;
  return { client, counter };
}

it('pauses each loop after an empty receive, and receives again once the pause is over', async () => {
  const { client, counter } = emptyQueue();
  const handler = jest.fn(async () => undefined);
  const poller = startQueuePoller({
    client,
    queueUrl: 'http://127.0.0.1:1/queue/fanout',
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:fanout',
    region: 'us-east-1',
    handler,
    context: () => ({}) as Context,
    batchSize: 10,
    maximumConcurrency: 3,
  });
  // Each loop's first receive, then its pause: nothing more however long the microtasks run.
  await jest.advanceTimersByTimeAsync(0);
  expect(counter.receives).toBe(3);
  await jest.advanceTimersByTimeAsync(EMPTY_RECEIVE_PAUSE_MS - 1);
  expect(counter.receives).toBe(3);
  await jest.advanceTimersByTimeAsync(1);
  expect(counter.receives).toBe(6);
  // A second of idling: one receive per loop per pause.
  await jest.advanceTimersByTimeAsync(1_000 - EMPTY_RECEIVE_PAUSE_MS);
  expect(counter.receives).toBe(3 * (1_000 / EMPTY_RECEIVE_PAUSE_MS + 1));
  expect(handler).not.toHaveBeenCalled();

  const stopped = poller.stop();
  await jest.advanceTimersByTimeAsync(EMPTY_RECEIVE_PAUSE_MS);
  await stopped;
});
