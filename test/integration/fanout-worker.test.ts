// Integration: the `fanout` worker handler invoked as Lambda's SQS event source mapping invokes it, on
// DynamoDB Local, the @connections API on loopback and the local SQS server: per-record failures in the
// partial batch response, follow-up jobs on the queue, and the metrics an operator alarms on.

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoDbRoomMembership } from '../../src/adapters/dynamodb/index.js';
import type { FanOutJob, RoomMessageEvent } from '../../src/domain/index.js';
import { startSqsLocal, type SqsLocal } from '../../src/local/sqs-local.js';
import { startConnectionsApi, type ConnectionsApiServer } from '../support/connections-api-server.js';
import { startTestTable, type TestTable } from '../support/dynamodb-table.js';
import { handlerEnvironment } from '../support/handler-env.js';
import { lambdaContext } from '../support/ws-events.js';

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

let table: TestTable;
let api: ConnectionsApiServer;
let sqs: SqsLocal;
let handler: Handler;
const ROOM = 'arena';
const MEMBERS = 30;
const HOUR = 3_600_000;

beforeAll(async () => {
  [table, api, sqs] = await Promise.all([startTestTable(), startConnectionsApi('prod'), startSqsLocal()]);
  Object.assign(
    process.env,
    handlerEnvironment(table, api, {
      MANAGEMENT_ENDPOINT: api.endpoint,
      FAN_OUT_QUEUE_URL: sqs.queueUrl,
      SQS_ENDPOINT: sqs.endpoint,
      FAN_OUT_DELIVERIES_PER_JOB: '10',
      MEMBERS_PAGE_SIZE: '5',
      // The metrics are what this suite reads: Powertools prints them as EMF lines on stdout.
      POWERTOOLS_METRICS_DISABLED: 'false',
    }),
  );
  const memberships = new DynamoDbRoomMembership({
    client: table.client,
    tableName: table.tableName,
    clock: { now: () => Date.now() },
  });
  const now = Date.now();
  for (let i = 0; i < MEMBERS; i += 1) {
    const connectionId = `Member${String(i).padStart(8, '0')}=`;
    api.directory.connect(connectionId);
    await memberships.add({
      room: ROOM,
      connectionId,
      userId: `user-${i}`,
      displayName: `User ${i}`,
      joinedAt: now,
      expiresAt: now + HOUR,
    });
  }
  ({ handler } = (await import('../../src/handlers/functions/fanout.js')) as { handler: Handler });
}, 60_000);

afterAll(async () => {
  await Promise.all([table?.stop(), api?.stop(), sqs?.stop()]);
});

const message: RoomMessageEvent = {
  type: 'message',
  room: ROOM,
  seq: 7,
  messageId: 'm-7',
  from: { userId: 'alice', displayName: 'Alice' },
  text: 'to the arena',
  sentAt: 1,
};

function record(id: string, body: string, receives = 1): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `handle-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receives),
      SentTimestamp: '1',
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: '1',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: sqs.queueArn,
    awsRegion: 'us-east-1',
  };
}

async function invokeCapturing(event: SQSEvent): Promise<{ response: SQSBatchResponse; metrics: string[] }> {
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const response = await handler(event, lambdaContext('fanout'));
    return { response, metrics: lines.filter((line) => line.includes('"_aws"')) };
  } finally {
    write.mockRestore();
  }
}

const delivered = (seq: number): number =>
  Array.from({ length: MEMBERS }, (_, i) => `Member${String(i).padStart(8, '0')}=`).filter((id) =>
    api.directory.frames(id).some((frame) => (JSON.parse(frame) as { seq?: number }).seq === seq),
  ).length;

describe('the fanout worker', () => {
  it('delivers a shard, hands the rest to a follow-up job, and reports only the malformed record', async () => {
    const job: FanOutJob = { shard: { kind: 'room', room: ROOM, bucket: 0 }, event: message };
    const { response, metrics } = await invokeCapturing({
      Records: [record('good', JSON.stringify(job)), record('poison', 'not a job', 3)],
    });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'poison' }] });
    // Whole pages up to the job's share (10 of 30), then the rest is a follow-up job on the queue.
    expect(delivered(7)).toBe(10);
    const queued = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const followUps = (queued.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}') as FanOutJob);
    expect(followUps).toHaveLength(1);
    expect(followUps[0]?.shard).toEqual(job.shard);
    expect(followUps[0]?.cursor).toEqual(expect.any(String));
    const emitted = metrics.join('\n');
    expect(emitted).toContain('"FanOutJobsMalformed"');
    expect(emitted).toContain('"FanOutFollowUpJobs"');

    // The follow-up jobs, run in turn, serve the rest of the shard once each.
    let next = followUps[0];
    while (next !== undefined) {
      await invokeCapturing({ Records: [record('next', JSON.stringify(next))] });
      const more = await sqs.client.send(
        new ReceiveMessageCommand({ QueueUrl: sqs.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      next = (more.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}') as FanOutJob)[0];
    }
    expect(delivered(7)).toBe(MEMBERS);
  });

  it('reports a job whose deliveries cannot even be listed, and counts it as failed', async () => {
    const job = { shard: { kind: 'room', room: ROOM, bucket: 0 }, event: message, cursor: 'not-a-cursor' };
    const { response, metrics } = await invokeCapturing({ Records: [record('broken', JSON.stringify(job))] });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'broken' }] });
    expect(metrics.join('\n')).toContain('"FanOutJobsFailed"');
  });
});
