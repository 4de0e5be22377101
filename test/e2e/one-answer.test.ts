// End to end: one answer per request under a fan-out that cannot finish in time. Management calls are
// slowed and the gateway's integration timeout is short, as a room too busy for one invocation would be:
// every send gets its ack and nothing after it (no gateway timeout, no error frame), the recipients an
// invocation could not reach in its budget are served by the workers, exactly once, and another user's
// ping is answered meanwhile. Loopback only, bounded in count and time.

import { expect, it } from '@jest/globals';
import type { BatchOutcome } from '../../src/local/queue-poller.js';
import { useDevStack } from '../support/dev-stack-suite.js';
import { openClient, waitFor, type TestClient } from '../support/ws-client.js';

const LISTENERS = 40;
const SENDERS = 5;
const MESSAGES_EACH = 4;
const ROOM = 'busy';

const clients: TestClient[] = [];
const batches: BatchOutcome[] = [];
const stack = useDevStack(
  {
    // The sends' fan-outs need about 7 s together (900 posts of 250 ms, 33 at a time in this process),
    // longer than the timeout; each invocation has 300 ms of delivering before it hands on the rest.
    limits: { integrationTimeoutMs: 5_000 },
    env: {
      FAN_OUT_INLINE_BUDGET_MS: '300',
      MAX_CONNECTIONS_PER_USER: String(LISTENERS + SENDERS),
      USER_RATE_LIMIT_BURST: '1000',
    },
    fanOutQueue: { onBatch: (outcome) => batches.push(outcome) },
  },
  { beforeStop: () => clients.forEach((client) => client.ws.terminate()) },
);

async function connectAs(user: string): Promise<TestClient> {
  const client = await openClient(`${stack().wsUrl}?token=${stack().tokenFor(user)}`);
  clients.push(client);
  return client;
}

async function joined(client: TestClient): Promise<void> {
  client.send({ action: 'join', room: ROOM, requestId: 'join' });
  await client.next((frame) => frame['requestId'] === 'join' && frame['type'] === 'joined', 30_000);
}

const isMessage = (frame: unknown): frame is { type: 'message'; seq: number } =>
  typeof frame === 'object' && frame !== null && (frame as { type?: unknown }).type === 'message';

it('answers each send once, hands the late recipients to the workers, and still answers other users', async () => {
  const listeners = await Promise.all(Array.from({ length: LISTENERS }, () => connectAs('listener')));
  const senders = await Promise.all(Array.from({ length: SENDERS }, () => connectAs('sender')));
  const bystander = await connectAs('bystander');
  for (const client of [...listeners, ...senders]) await joined(client);

  stack().gateway.faults.latencyMs = 250;
  senders.forEach((sender, s) => {
    for (let m = 0; m < MESSAGES_EACH; m += 1) {
      sender.send({ action: 'sendMessage', room: ROOM, text: `m${s}-${m}`, requestId: `s${s}-${m}` });
    }
  });
  bystander.send({ action: 'ping', requestId: 'meanwhile' });
  await bystander.next((frame) => frame['requestId'] === 'meanwhile' && frame['type'] === 'pong', 20_000);

  const total = SENDERS * MESSAGES_EACH;
  const everyone = [...listeners, ...senders];
  await waitFor(
    () => everyone.every((client) => client.frames.filter(isMessage).length >= total),
    60_000,
    'every member to receive every message',
  );

  // One answer per request: an ack, and no frame after it for the same request.
  senders.forEach((sender, s) => {
    for (let m = 0; m < MESSAGES_EACH; m += 1) {
      const answers = sender.frames.filter(
        (frame) => (frame as { requestId?: unknown }).requestId === `s${s}-${m}`,
      );
      expect(answers).toEqual([expect.objectContaining({ type: 'ack', room: ROOM })]);
    }
  });
  // The gateway's own error frames carry a `message` and no `type`: none may have reached anyone.
  for (const client of [...everyone, bystander]) {
    expect(client.frames.filter((frame) => (frame as { message?: unknown }).message !== undefined)).toEqual(
      [],
    );
    expect(client.frames.filter((frame) => (frame as { type?: unknown }).type === 'error')).toEqual([]);
  }
  // Every member got each message exactly once, whoever delivered it.
  for (const client of everyone) {
    const seqs = client.frames.filter(isMessage).map((frame) => frame.seq);
    expect(seqs).toHaveLength(total);
    expect(new Set(seqs).size).toBe(total);
  }
  // The budget was what kept the invocations short: workers served what the senders handed off.
  expect(batches.length).toBeGreaterThan(0);
  stack().gateway.faults.latencyMs = 0;
}, 120_000);
