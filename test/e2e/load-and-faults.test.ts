// End to end, reliability: many clients across rooms with members joining and leaving, then faults
// (throttling, gone recipients, vanished clients, DynamoDB going down and coming back, resume after
// churn). Sizes come from LOAD_CLIENTS / LOAD_ROOMS / LOAD_MESSAGES (CI size by default; `make soak`
// runs larger). Loopback only, bounded in count and time.

import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../src/local/dynamodb-local.js';
import { RoomcastClient } from '../../src/client/index.js';
import { useDevStack } from '../support/dev-stack-suite.js';
import { CheckedWebSocket } from '../support/protocol-checks.js';
import { openClient, waitFor, type TestClient } from '../support/ws-client.js';

const CLIENTS = Number(process.env['LOAD_CLIENTS'] ?? 100);
const ROOMS = Number(process.env['LOAD_ROOMS'] ?? 5);
const MESSAGES = Number(process.env['LOAD_MESSAGES'] ?? 20);
const CHURNERS = Math.max(2, Math.floor(CLIENTS / 5));
// The whole stack shares this machine's cores: larger runs queue longer, so waits grow with the size.
const PATIENCE = Math.max(1, CLIENTS / 100);

const dataDir = mkdtempSync(join(tmpdir(), 'roomcast-load-'));
let restarted: DynamoDbLocal | undefined;
const clients: TestClient[] = [];
const sdkClients: RoomcastClient[] = [];
const failures: unknown[] = [];

const stack = useDevStack(
  {
    dataDir,
    // Refused handshakes, failed and timed-out invocations, to explain a failure.
    log: (entry) => {
      if (typeof entry.status === 'string' || entry.status >= 500) failures.push(entry);
    },
    // This suite is about delivery under load, not about the rate limit (tested on its own); its
    // clients are seconds old, so the handshake grace would keep the stale ones it wants removed.
    env: { RATE_LIMIT_BURST: '0', HANDSHAKE_GRACE_MS: '0' },
  },
  {
    beforeStop: () => {
      for (const c of clients) c.ws.terminate();
      for (const c of sdkClients) c.close();
    },
  },
);

// Registered after the stack's own afterAll, so it runs once the stack has stopped.
afterAll(async () => {
  await restarted?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function connectAs(user: string): Promise<TestClient> {
  const client = await openClient(`${stack().wsUrl}?token=${stack().tokenFor(user)}`).catch(
    (error: Error) => {
      throw new Error(`${error.message}; last gateway failures: ${JSON.stringify(failures.slice(-3))}`);
    },
  );
  clients.push(client);
  return client;
}

let requests = 0;
// A reply that never comes fails the test, a slow one does not: latency under load is benchmark 8's
// business, and a busy CI machine can take twice as long as an idle one for the same run.
async function ask(
  client: TestClient,
  frame: Record<string, unknown>,
  timeoutMs = 30_000 * PATIENCE,
): Promise<Record<string, unknown>> {
  const requestId = `r${(requests += 1)}`;
  client.send({ ...frame, requestId });
  return client
    .next((f) => f['requestId'] === requestId, timeoutMs)
    .catch((error: Error) => {
      const recent = client.frames.filter((f) => (f as { type?: string }).type !== 'message').slice(-3);
      throw new Error(
        `${error.message}: no reply to ${JSON.stringify({ ...frame, requestId })}; last other frames ` +
          `${JSON.stringify(recent)}; last gateway failures ${JSON.stringify(failures.slice(-3))}`,
      );
    });
}

const roomMessages = (client: TestClient, room: string) =>
  client.frames.filter(
    (f): f is { type: string; room: string; seq: number; text: string } =>
      (f as { type?: string }).type === 'message' && (f as { room?: string }).room === room,
  );

describe('load and ordering', () => {
  it(
    `${CLIENTS} clients in ${ROOMS} rooms, ${MESSAGES} messages each while others join and leave: every accepted message reaches every member once`,
    async () => {
      const stable = CLIENTS - CHURNERS;
      const members: { client: TestClient; room: string }[] = [];
      for (let i = 0; i < stable; i += 1) {
        const client = await connectAs(`load-${i}`);
        const room = `load-room-${i % ROOMS}`;
        await ask(client, { action: 'join', room });
        members.push({ client, room });
      }
      const churners = await Promise.all(Array.from({ length: CHURNERS }, (_, i) => connectAs(`churn-${i}`)));
      // One application per room on the client SDK: what it hands the application is what ordering means
      // to a user, since fan-outs of different messages run concurrently and may interleave on the wire.
      const listeners = await Promise.all(
        Array.from({ length: ROOMS }, async (_, r) => {
          const room = `load-room-${r}`;
          const user = `listener-${r}`;
          const client = new RoomcastClient({
            url: stack().wsUrl,
            token: () => stack().tokenFor(user),
            WebSocket: CheckedWebSocket,
          });
          sdkClients.push(client);
          const seqs: number[] = [];
          client.on('message', ({ message }) => {
            if (message.room === room) seqs.push(message.seq);
          });
          client.connect();
          await client.joinRoom(room);
          return { room, seqs };
        }),
      );

      let churning = true;
      const churn = Promise.all(
        churners.map(async (client, i) => {
          for (let round = 0; churning && round < 50; round += 1) {
            const room = `load-room-${(i + round) % ROOMS}`;
            await ask(client, { action: 'join', room });
            await ask(client, { action: 'leave', room });
          }
        }),
      );
      const acks = await Promise.all(
        members.map(async ({ client, room }, i) => {
          const seqs: number[] = [];
          for (let m = 0; m < MESSAGES; m += 1) {
            const ack = await ask(client, {
              action: 'sendMessage',
              room,
              text: `${i}:${m}`,
              clientMsgId: `load-${i}-${m}`,
            });
            expect(ack['type']).toBe('ack');
            seqs.push(ack['seq'] as number);
          }
          return { room, seqs };
        }),
      );
      churning = false;
      await churn;

      let deliveries = 0;
      let outOfOrder = 0;
      for (let r = 0; r < ROOMS; r += 1) {
        const room = `load-room-${r}`;
        const accepted = acks
          .filter((a) => a.room === room)
          .flatMap((a) => a.seqs)
          .sort((a, b) => a - b);
        // Gap-free numbering: the acks hold exactly 1..M.
        expect(accepted).toEqual(Array.from({ length: accepted.length }, (_, k) => k + 1));
        for (const { client } of members.filter((m) => m.room === room)) {
          await waitFor(
            () => roomMessages(client, room).length >= accepted.length,
            30_000 * PATIENCE,
            `all messages of ${room}`,
          );
          const seen = roomMessages(client, room).map((m) => m.seq);
          // On the wire: exactly once, in any order.
          expect(seen.length).toBe(accepted.length);
          expect([...seen].sort((a, b) => a - b)).toEqual(accepted);
          deliveries += seen.length;
          let highest = 0;
          for (const seq of seen) {
            if (seq < highest) outOfOrder += 1;
            highest = Math.max(highest, seq);
          }
        }
        // To the application, through the SDK: exactly once and in sequence order.
        const listener = listeners.find((l) => l.room === room)!;
        await waitFor(
          () => listener.seqs.length >= accepted.length,
          30_000 * PATIENCE,
          `the SDK's messages of ${room}`,
        );
        expect(listener.seqs).toEqual(accepted);
        const history = await ask(members.find((m) => m.room === room)!.client, {
          action: 'history',
          room,
          after: 0,
          limit: 100,
        });
        expect((history['messages'] as unknown[]).length).toBe(Math.min(100, accepted.length));
      }
      process.stderr.write(
        `load: ${acks.flatMap((a) => a.seqs).length} messages, ${deliveries} deliveries to raw clients, ` +
          `${outOfOrder} arrived after a later seq; every SDK listener delivered in order\n`,
      );
    },
    Math.max(240_000, CLIENTS * MESSAGES * 150),
  );
});

describe('faults survived', () => {
  it('delivers through throttling (429) by retry, and removes recipients reported gone (410)', async () => {
    const sender = await connectAs('fault-sender');
    const others = await Promise.all(Array.from({ length: 6 }, (_, i) => connectAs(`fault-${i}`)));
    for (const c of [sender, ...others]) await ask(c, { action: 'join', room: 'faults' });
    const ids = await Promise.all(
      others.map(async (c) => (await ask(c, { action: 'whoami' }))['connectionId'] as string),
    );
    for (const id of ids.slice(0, 3)) stack().gateway.faults.throttleFor.set(id, 2);
    for (const id of ids.slice(3, 5)) stack().gateway.faults.goneFor.add(id);

    await ask(sender, { action: 'sendMessage', room: 'faults', text: 'through the storm' });

    for (const c of [...others.slice(0, 3), others[5] as TestClient]) {
      await c.next((f) => f['type'] === 'message' && f['text'] === 'through the storm');
    }
    const presence = await ask(sender, { action: 'presence', room: 'faults' });
    const present = (presence['members'] as { userId: string }[]).map((m) => m.userId);
    expect(present).not.toContain('fault-3');
    expect(present).not.toContain('fault-4');
    expect(present).toContain('fault-0');
    stack().gateway.faults.clear();
  }, 30_000);

  it('cleans up clients that vanished without $disconnect at the next fan-out, and presence corrects itself', async () => {
    const watcher = await connectAs('vanish-watcher');
    const ghosts = await Promise.all([connectAs('vanish-a'), connectAs('vanish-b')]);
    for (const c of [watcher, ...ghosts]) await ask(c, { action: 'join', room: 'vanish' });
    for (const ghost of ghosts)
      stack().gateway.dropAbruptly((await ask(ghost, { action: 'whoami' }))['connectionId'] as string);

    const before = await ask(watcher, { action: 'presence', room: 'vanish' });
    expect((before['members'] as unknown[]).length).toBe(3);
    // Typing has no reply; its fan-out meets the vanished clients and removes them.
    watcher.send({ action: 'typing', room: 'vanish' });
    await waitFor(
      async () =>
        ((await ask(watcher, { action: 'presence', room: 'vanish' }))['members'] as unknown[]).length === 1,
    );
  }, 30_000);

  it('answers clearly while DynamoDB is down, loses nothing accepted before, and resumes after', async () => {
    const client = await connectAs('outage');
    await ask(client, { action: 'join', room: 'outage' });
    const before = await ask(client, { action: 'sendMessage', room: 'outage', text: 'before' });
    expect(before['type']).toBe('ack');

    const port = stack().dynamo.port;
    await stack().dynamo.stop();
    const during = await ask(client, { action: 'sendMessage', room: 'outage', text: 'during' });
    expect(during).toMatchObject({ type: 'error', code: 'internal_error' });
    expect(client.ws.readyState).toBe(1);

    restarted = await startDynamoDbLocal({ port, dataDir });
    await waitFor(
      async () => (await ask(client, { action: 'ping' }))['type'] === 'pong',
      20_000,
      'service back',
    );
    const after = await ask(client, { action: 'sendMessage', room: 'outage', text: 'after' });
    expect(after).toMatchObject({ type: 'ack', seq: 2 });
    const history = await ask(client, { action: 'history', room: 'outage' });
    expect((history['messages'] as { text: string }[]).map((m) => m.text)).toEqual(['before', 'after']);
  }, 60_000);

  it('resumes under churn: a client that reconnects with since receives everything it missed, once', async () => {
    const talker = await connectAs('resume-talker');
    let listener = await connectAs('resume-listener');
    for (const c of [talker, listener]) await ask(c, { action: 'join', room: 'resume' });
    // Every seq exactly as it arrived, on each connection the listener had, live or replayed by a
    // join: nothing here drops repeats, so a join that re-sends what the client saw shows up.
    const received: number[] = [];
    const resent: { since: number; seq: number }[] = [];
    let since = 0;
    for (let round = 0; round < 3; round += 1) {
      for (let m = 0; m < 5; m += 1)
        await ask(talker, { action: 'sendMessage', room: 'resume', text: `live-${round}-${m}` });
      const current = listener;
      await waitFor(() => roomMessages(current, 'resume').length >= 5, 10_000);
      const live = roomMessages(current, 'resume').map((x) => x.seq);
      received.push(...live);
      current.ws.terminate();
      for (let m = 0; m < 3; m += 1)
        await ask(talker, { action: 'sendMessage', room: 'resume', text: `missed-${round}-${m}` });
      listener = await connectAs('resume-listener');
      since = Math.max(...received);
      const joined = await ask(listener, { action: 'join', room: 'resume', since });
      const missed = (joined['missed'] as { seq: number }[]).map((x) => x.seq);
      resent.push(...missed.filter((seq) => seq <= since).map((seq) => ({ since, seq })));
      received.push(...missed);
    }
    expect(resent).toEqual([]);
    expect([...received].sort((a, b) => a - b)).toEqual(Array.from({ length: 3 * (5 + 3) }, (_, k) => k + 1));
  }, 60_000);
});
