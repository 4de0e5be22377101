// Local stack: what Lambda's SQS event source mapping does for the `fanout` worker. Pollers receive
// batches, invoke the handler with real-shaped SQS events, delete what succeeded and leave the rest to
// come back after the visibility timeout (and, after maxReceiveCount receives, to the dead-letter queue).

import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './emulator/lambda-events.js';
import type { Scheduler } from './emulator/scheduler.js';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface QueuePollerOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  readonly handler: SqsHandler;
  /** Builds the Lambda context of one invocation. */
  readonly context: () => Context;
  /** Records per invocation (the mapping's `batch_size`). */
  readonly batchSize: number;
  /** Invocations at once (the mapping's `maximum_concurrency`). */
  readonly maximumConcurrency: number;
  /**
   * Long-poll wait per receive, in seconds: 0 (the default) to 20. The local server holds a long poll
   * open until it can fill the whole batch, so 0 (it then answers within 40 ms) keeps jobs moving.
   */
  readonly waitTimeSeconds?: number;
  /** Told about each invocation's outcome: for logs and tests. */
  readonly onBatch?: (outcome: BatchOutcome) => void;
}

export interface BatchOutcome {
  readonly received: number;
  readonly deleted: number;
  /** Records left on the queue: reported failures, or the whole batch when the handler threw. */
  readonly retried: number;
  readonly error?: unknown;
}

export interface QueuePoller {
  /** Stops receiving and waits for the invocations in flight. */
  stop(): Promise<void>;
}

const RECEIVE_RETRY_MS = 200;
/**
 * After a receive that found the queue empty, a loop waits this long before the next. Without it the
 * loops keep receiving back to back (an empty receive answers within about 40 ms), and an idle stack
 * spent over a quarter of a core on empty receives, on the event loop every other invocation shares. A
 * job that arrives meanwhile waits at most this long for the first loop; busy loops do not pause.
 */
export const EMPTY_RECEIVE_PAUSE_MS = 100;

/** The Lambda context of a queue-triggered invocation: behind no API, it names only the function, region, account. */
export function workerContext(
  functionName: string,
  region: string,
  timeoutMs: number,
  clock: Pick<Scheduler, 'now'>,
): Context {
  const facts = {
    apiId: 'local',
    stage: 'local',
    domainName: 'localhost',
    region,
    accountId: '000000000000',
  };
  return lambdaContext(functionName, facts, timeoutMs, clock);
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export function startQueuePoller(options: QueuePollerOptions): QueuePoller {
  let running = true;
  const loops = Array.from({ length: options.maximumConcurrency }, () => pollLoop());

  async function pollLoop(): Promise<void> {
    while (running) {
      let messages: Message[];
      try {
        const result = await options.client.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: options.batchSize,
            WaitTimeSeconds: options.waitTimeSeconds ?? 0,
            // The local server answers the older attribute parameter, which AWS still honours.
            AttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        messages = uniqueById(result.Messages ?? []);
      } catch (error) {
        if (!running) return;
        options.onBatch?.({ received: 0, deleted: 0, retried: 0, error });
        // A queue that is down refuses at once: wait a little, as Lambda's pollers back off, rather
        // than spin on the CPU the rest of the stack needs.
        await pause(RECEIVE_RETRY_MS);
        continue;
      }
      if (messages.length > 0) await invoke(messages);
      else await pause(EMPTY_RECEIVE_PAUSE_MS);
    }
  }

  async function invoke(messages: readonly Message[]): Promise<void> {
    const records = messages.map((message) => toRecord(message, options));
    let failed: Set<string>;
    let error: unknown;
    try {
      const response = await options.handler({ Records: records }, options.context());
      failed = failedIds(response, records);
    } catch (thrown) {
      // A handler that throws fails the whole batch: every record comes back after the visibility timeout.
      error = thrown;
      failed = new Set(records.map((record) => record.messageId));
    }
    const done = records.filter((record) => !failed.has(record.messageId));
    if (done.length > 0) {
      await options.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
    }
    options.onBatch?.({
      received: records.length,
      deleted: done.length,
      retried: failed.size,
      error,
    });
  }

  return {
    async stop() {
      running = false;
      await Promise.allSettled(loops);
    },
  };
}

/**
 * Lambda's rules for a partial batch response: each reported id fails; a reported id that is empty or not
 * in the batch fails the whole batch.
 */
function failedIds(response: SQSBatchResponse | void, records: readonly SQSRecord[]): Set<string> {
  const reported = response?.batchItemFailures ?? [];
  const ids = new Set(records.map((record) => record.messageId));
  if (
    reported.some((failure) => typeof failure.itemIdentifier !== 'string' || !ids.has(failure.itemIdentifier))
  ) {
    return ids;
  }
  return new Set(reported.map((failure) => failure.itemIdentifier));
}

function toRecord(message: Message, options: QueuePollerOptions): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId as string,
    receiptHandle: message.ReceiptHandle as string,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes['ApproximateReceiveCount'] ?? '1',
      SentTimestamp: attributes['SentTimestamp'] ?? '0',
      SenderId: attributes['SenderId'] ?? '',
      ApproximateFirstReceiveTimestamp: attributes['ApproximateFirstReceiveTimestamp'] ?? '0',
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: options.queueArn,
    awsRegion: options.region,
  };
}

/**
 * The local server can hand one message out twice in a single answer, when a long poll outlasts the
 * message's visibility timeout; SQS never does, so the second copy is dropped as Lambda would never see it.
 */
function uniqueById(messages: readonly Message[]): Message[] {
  const seen = new Set<string | undefined>();
  return messages.filter((message) => !seen.has(message.MessageId) && seen.add(message.MessageId));
}
