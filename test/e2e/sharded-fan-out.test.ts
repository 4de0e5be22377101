// End to end, large rooms: a room above the inline threshold is fanned out by the `fanout` worker through
// the local SQS queue, to real WebSocket clients. Raw clients get every message at least once, the SDK
// exactly once and in order; a worker that dies mid-shard is retried; a poison job ends in the dead-letter
// queue; with the queue down the sender gets `unavailable`, the message stays in history, and service
// resumes when the queue is back. Loopback only, bounded in count and time.

import { describe, expect, it } from '@jest/globals';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { RoomcastClient } from '../../src/client/index.js';
import type { BatchOutcome, SqsHandler } from '../../src/local/queue-poller.js';
import { startSqsLocal } from '../../src/local/sqs-local.js';
import { deadLettersUntil } from '../support/dead-letters.js';
import { useDevStack } from '../support/dev-stack-suite.js';
import { CheckedWebSocket } from '../support/protocol-checks.js';
import { openClient, waitFor, type TestClient } from '../support/ws-client.js';

const MEMBERS = Number(process.env['LARGE_ROOM_CLIENTS'] ?? 1_000);
const ROOM = 'stadium';
// The whole stack shares this machine's cores: a thousand handshakes and joins take a while.
const PATIENCE = Math.max(1, MEMBERS / 250);
/**
 * Clients opened and joined at once: enough to be quick (joins wait on round trips, not CPU: 50 at once join
 * the thousand in about 53 s, 25 in about 62 s), few enough that no invocation queues for long.
 */
const WAVE = 50;

const clients: TestClient[] = [];
const sdkClients: RoomcastClient[] = [];
const batches: BatchOutcome[] = [];
/** Shards whose next delivery attempt the worker should die on (a function killed mid-shard). */
const dieOnce = new Set<string>();

const failFirstAttemptOfChosenShards =
  (handler: SqsHandler): SqsHandler =>
  async (event, context) => {
    for (const record of event.Records) {
      const shard = (JSON.parse(record.body) as { shard?: { bucket?: number } }).shard;
      const key = `bucket:${String(shard?.bucket)}`;
      if (dieOnce.delete(key)) {
        // Part of the shard is served, then the function dies: SQS must hand the whole job out again.
        await handler({ Records: [record] }, context);
        throw new Error(`worker died on ${key}`);
      }
    }
    return handler(event, context);
  };

const stack = useDevStack(
  {
    env: {
      // Small numbers so a CI-sized room crosses every line: inline threshold, buckets, follow-up jobs.
      FAN_OUT_INLINE_MAX: '100',
      MEMBERS_PER_BUCKET: '150',
      FAN_OUT_DELIVERIES_PER_JOB: '200',
      ROOM_SHAPE_CACHE_MS: '0',
      RATE_LIMIT_BURST: '0',
      LOBBY_ROOM: '',
    },
    fanOutQueue: {
      visibilityTimeoutSeconds: 2,
      maxReceiveCount: 3,
      onBatch: (outcome) => batches.push(outcome),
      wrapWorker: failFirstAttemptOfChosenShards,
    },
  },
  {
    beforeStop: () => {
      for (const client of clients) client.ws.terminate();
      for (const client of sdkClients) client.close();
    },
    // Every member's `$disconnect` runs as the suite ends: a thousand cleanups on DynamoDB Local.
    stopTimeoutMs: 60_000 * PATIENCE,
  },
);

let requests = 0;
async function ask(client: TestClient, frame: Record<string, unknown>): Promise<Record<string, unknown>> {
  const requestId = `r${(requests += 1)}`;
  client.send({ ...frame, requestId });
  return client.next((reply) => reply['requestId'] === requestId, 20_000 * PATIENCE);
}

const seqsOf = (client: TestClient): number[] =>
  client.frames
    .filter(
      (f): f is { type: string; room: string; seq: number } => (f as { type?: string }).type === 'message',
    )
    .filter((f) => f.room === ROOM)
    .map((f) => f.seq);

describe(`a room of ${MEMBERS} connections, fanned out by workers`, () => {
  const sdkSeqs: number[] = [];

  it('delivers every message to every member: raw clients at least once, the SDK once and in order', async () => {
    // Joined in waves: each join is a handshake, an authorizer run and two DynamoDB writes.
    for (let start = 0; start < MEMBERS; start += WAVE) {
      const wave = await Promise.all(
        Array.from({ length: Math.min(WAVE, MEMBERS - start) }, async (_, i) => {
          const user = `fan-${start + i}`;
          const client = await openClient(`${stack().wsUrl}?token=${stack().tokenFor(user)}`);
          clients.push(client);
          const joined = await ask(client, { action: 'join', room: ROOM });
          expect(joined['type']).toBe('joined');
          return client;
        }),
      );
      expect(wave.length).toBeGreaterThan(0);
    }
    const listener = new RoomcastClient({
      url: stack().wsUrl,
      token: () => stack().tokenFor('sdk-listener'),
      WebSocket: CheckedWebSocket,
    });
    sdkClients.push(listener);
    listener.on('message', ({ message }) => {
      if (message.room === ROOM) sdkSeqs.push(message.seq);
    });
    listener.connect();
    await listener.joinRoom(ROOM);

    const sender = clients[0] as TestClient;
    const acked: number[] = [];
    for (let m = 0; m < 3; m += 1) {
      const ack = await ask(sender, { action: 'sendMessage', room: ROOM, text: `wave ${m}` });
      expect(ack['type']).toBe('ack');
      acked.push(ack['seq'] as number);
    }
    await waitFor(
      () => clients.every((client) => acked.every((seq) => seqsOf(client).includes(seq))),
      60_000 * PATIENCE,
      'every member to get every message',
    );
    await waitFor(() => sdkSeqs.length >= acked.length, 30_000, 'the SDK listener');
    expect(sdkSeqs).toEqual(acked);
    // The room really went through the queue, in more than one job per message.
    const jobs = batches.reduce((sum, batch) => sum + batch.deleted, 0);
    expect(jobs).toBeGreaterThan(acked.length);
  }, 600_000);

  it('serves every member when a worker dies mid-shard: SQS hands the job out again', async () => {
    dieOnce.add('bucket:0');
    const before = batches.filter((batch) => batch.error !== undefined).length;
    const sender = clients[1] as TestClient;
    const ack = await ask(sender, { action: 'sendMessage', room: ROOM, text: 'despite a crash' });
    const seq = ack['seq'] as number;
    await waitFor(
      () => clients.every((client) => seqsOf(client).includes(seq)),
      60_000 * PATIENCE,
      'every member after the retry',
    );
    expect(dieOnce.size).toBe(0);
    expect(batches.filter((batch) => batch.error !== undefined).length).toBeGreaterThan(before);
    // Repeats are allowed on the wire; the SDK hands the application each message once.
    await waitFor(() => sdkSeqs.includes(seq), 30_000, 'the SDK listener');
    expect(sdkSeqs.filter((s) => s === seq)).toHaveLength(1);
  }, 300_000);

  it('moves a poison job to the dead-letter queue after maxReceiveCount receives', async () => {
    const { sqs } = stack();
    const poison = '{"shard":"bogus"}';
    await sqs.client.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl, MessageBody: poison }));
    const deadLetters = await deadLettersUntil(sqs, poison, 60_000);
    expect(deadLetters.filter((body) => body === poison)).toHaveLength(1);
    // Anything else there is a real job that outlived the 2 s visibility timeout three times on a busy
    // machine (occupancy updates after the joins did): those are well-formed jobs, unlike the poison.
    for (const body of deadLetters.filter((other) => other !== poison)) {
      expect(JSON.parse(body)).toEqual(
        expect.objectContaining({ shard: expect.any(Object), event: expect.any(Object) }),
      );
    }
  }, 120_000);

  it('answers `unavailable` while the queue is down, keeps the message, and resumes when it is back', async () => {
    const { sqs } = stack();
    const sender = clients[2] as TestClient;
    await sqs.stop();
    const refused = await ask(sender, { action: 'sendMessage', room: ROOM, text: 'while down' });
    expect(refused).toMatchObject({ type: 'error', code: 'unavailable' });

    const history = await ask(sender, { action: 'history', room: ROOM, limit: 1 });
    const stored = (history['messages'] as { text: string; seq: number }[])[0];
    expect(stored?.text).toBe('while down');

    // The same queue comes back on the same port, as a restarted queue service would.
    const revived = await startSqsLocal({ port: sqs.port, visibilityTimeoutSeconds: 2, maxReceiveCount: 3 });
    try {
      expect(revived.queueUrl).toBe(sqs.queueUrl);
      const ack = await ask(sender, { action: 'sendMessage', room: ROOM, text: 'back again' });
      expect(ack).toMatchObject({ type: 'ack', seq: (stored?.seq ?? 0) + 1 });
      const seq = ack['seq'] as number;
      await waitFor(
        () => clients.every((client) => seqsOf(client).includes(seq)),
        60_000 * PATIENCE,
        'every member after the queue came back',
      );
    } finally {
      await revived.stop();
    }
  }, 300_000);
});
