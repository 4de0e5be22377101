// Client SDK against `make dev`'s stack (DynamoDB Local, the API Gateway emulator, the real handlers):
// connections are cut abruptly or closed cleanly mid-conversation, and each application still sees
// every message exactly once, in order.

import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { describe, expect, it } from '@jest/globals';
import type WebSocket from 'ws';
import {
  deleteMessage,
  react,
  editMessage,
  markRead,
  RoomcastClient,
  setStatus,
  unread,
  type ConnectionState,
  type RoomcastClientOptions,
} from '../../src/client/index.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/dynamodb-local.js';
import { useDevStack } from '../support/dev-stack-suite.js';
import { CheckedWebSocket } from '../support/protocol-checks.js';
import { waitFor } from '../support/ws-client.js';

const clients: RoomcastClient[] = [];
const stack = useDevStack({}, { beforeStop: () => clients.forEach((client) => client.close()) });

interface App {
  readonly client: RoomcastClient;
  /** Room messages as seen by the application: `seq:text`, per room. */
  readonly rooms: Map<string, string[]>;
  /** Direct messages as seen by the application: `seq:text`, per peer. */
  readonly directs: Map<string, string[]>;
  readonly states: ConnectionState[];
  /** The current connection's id (from whoami after each connection). */
  connectionId: string;
  readonly connectionIds: string[];
  /** Sockets the SDK opened, so a test can close one from the client side. */
  readonly sockets: WebSocket[];
}

function app(userId: string, options: Partial<RoomcastClientOptions> = {}): App {
  const sockets: WebSocket[] = [];
  // Every frame either way is checked against docs/asyncapi.json, as in the end-to-end suites.
  class RecordedSocket extends CheckedWebSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  }
  const client = new RoomcastClient({
    url: stack().wsUrl,
    token: () => stack().tokenFor(userId, userId.toUpperCase()),
    WebSocket: RecordedSocket,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    gapWaitMs: 200,
    ...options,
  });
  clients.push(client);
  const state: App = {
    client,
    rooms: new Map(),
    directs: new Map(),
    states: [],
    connectionId: '',
    connectionIds: [],
    sockets,
  };
  const push = (map: Map<string, string[]>, key: string, entry: string) =>
    map.set(key, [...(map.get(key) ?? []), entry]);
  client.on('message', ({ message }) => push(state.rooms, message.room, `${message.seq}:${message.text}`));
  client.on('direct', ({ message, peer }) => push(state.directs, peer, `${message.seq}:${message.text}`));
  client.on('state', ({ state: next }) => state.states.push(next));
  client.on('identity', (me) => {
    state.connectionId = me.connectionId;
    state.connectionIds.push(me.connectionId);
  });
  client.connect();
  return state;
}

/** The server closes the connection normally (DeleteConnection: close code 1000, `$disconnect` runs). */
async function closeFromServer(connectionId: string): Promise<void> {
  // Through the SDK, as a backend would: the emulator refuses unsigned @connections calls.
  const connections = new ApiGatewayManagementApiClient({
    endpoint: stack().managementEndpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const response = await connections.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
  connections.destroy();
  expect(response.$metadata.httpStatusCode).toBe(204);
}

async function reconnected(who: App, previous: string): Promise<void> {
  await waitFor(
    () => who.client.state === 'open' && who.connectionId !== previous,
    10_000,
    'a new connection',
  );
}

const expected = (texts: readonly string[]) => texts.map((text, i) => `${i + 1}:${text}`);

describe('the client SDK on the local stack', () => {
  it('delivers every room message exactly once, in order, while connections are cut and closed', async () => {
    const ada = app('ada');
    const bob = app('bob');
    await Promise.all([ada.client.joinRoom('relay'), bob.client.joinRoom('relay')]);

    const sent: string[] = [];
    const say = async (who: App, text: string) => {
      await who.client.send('relay', text);
      sent.push(text);
    };
    const faults: Record<number, () => Promise<void>> = {
      4: async () => {
        stack().gateway.dropAbruptly(ada.connectionId);
      },
      9: async () => closeFromServer(ada.connectionId),
      14: async () => {
        // Bob's connection vanishes with his next send possibly on the wire: the retry must not duplicate it.
        const id = bob.connectionId;
        const sending = say(bob, 'bob-during-cut');
        stack().gateway.dropAbruptly(id);
        await sending;
      },
      19: async () => {
        ada.sockets.at(-1)?.close(4000, 'client-side close');
      },
    };
    for (let i = 0; i < 24; i += 1) {
      await say(i % 3 === 0 ? ada : bob, `m${i}`);
      const fault = faults[i];
      if (fault !== undefined) {
        const before = [ada.connectionId, bob.connectionId];
        await fault();
        // Keep talking while the victim is away; only wait for it every other time.
        if (i % 2 === 0)
          await reconnected(i === 14 ? bob : ada, i === 14 ? (before[1] as string) : (before[0] as string));
      }
    }

    const all = expected(sent);
    await waitFor(
      () => ada.rooms.get('relay')?.length === all.length && bob.rooms.get('relay')?.length === all.length,
      15_000,
      'every message at both clients',
    );
    expect(sent).toHaveLength(25);
    expect(ada.rooms.get('relay')).toEqual(all);
    expect(bob.rooms.get('relay')).toEqual(all);
    expect(new Set(ada.connectionIds).size).toBeGreaterThanOrEqual(4);
    expect(ada.states).toContain('reconnecting');
    expect(ada.client.state).toBe('open');
    const stored = await ada.client.history({ room: 'relay' }, { after: 0, limit: 100 });
    expect(stored.messages.map((m) => `${m.seq}:${'text' in m ? m.text : ''}`)).toEqual(all);
  });

  it('never stores a send twice when the connection drops with sends in flight', async () => {
    const cat = app('cat');
    await cat.client.joinRoom('burst');
    const texts = Array.from({ length: 10 }, (_, i) => `burst-${i}`);

    const sending = texts.map((text) => cat.client.send('burst', text));
    const first = cat.connectionId;
    await new Promise((resolve) => setImmediate(resolve));
    stack().gateway.dropAbruptly(first);
    const acks = await Promise.all(sending);

    expect(new Set(acks.map((ack) => ack.seq)).size).toBe(10);
    await waitFor(() => cat.rooms.get('burst')?.length === 10, 10_000, 'the burst');
    const stored = await cat.client.history({ room: 'burst' }, { after: 0 });
    expect(stored.messages.map((m) => ('text' in m ? m.text : '')).sort()).toEqual([...texts].sort());
    expect(cat.rooms.get('burst')).toEqual(
      stored.messages.map((m) => `${m.seq}:${'text' in m ? m.text : ''}`),
    );
    expect(cat.connectionId).not.toBe(first);
  });

  it('resumes a direct conversation after a cut, including messages sent meanwhile from both sides', async () => {
    // Connections are opened one at a time, and Eve waits a while before reconnecting, so that no
    // fan-out reaches a connection whose handshake is under way (the service would drop its record).
    const dan = app('dan');
    await waitFor(() => dan.client.state === 'open', 10_000, 'Dan connected');
    const eve = app('eve', { reconnect: { initialDelayMs: 1_000, maxDelayMs: 1_000 } });
    await waitFor(() => eve.client.state === 'open', 10_000, 'Eve connected');
    await dan.client.openDirect('eve');
    await eve.client.openDirect('dan');
    const sent: string[] = [];

    await dan.client.sendDirect('eve', 'd1');
    sent.push('d1');
    const cut = eve.connectionId;
    stack().gateway.dropAbruptly(cut);
    await dan.client.sendDirect('eve', 'd2');
    sent.push('d2');
    // Eve writes while disconnected: the send waits for the new connection.
    const fromEve = eve.client.sendDirect('dan', 'e1');
    await reconnected(eve, cut);
    await fromEve;
    sent.push('e1');
    await dan.client.sendDirect('eve', 'd3');
    sent.push('d3');

    const all = expected(sent);
    await waitFor(
      () => eve.directs.get('dan')?.length === 4 && dan.directs.get('eve')?.length === 4,
      10_000,
      'the conversation on both sides',
    );
    expect(eve.directs.get('dan')).toEqual(all);
    expect(dan.directs.get('eve')).toEqual(all);
  });

  it('replaces its connection before the age limit without a visible reconnect or a lost message', async () => {
    const fay = app('fay', { maxConnectionAgeMs: 300 });
    const gus = app('gus');
    await Promise.all([fay.client.joinRoom('rotation'), gus.client.joinRoom('rotation')]);
    const texts: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const text = `r${i}`;
      await (i % 2 === 0 ? gus : fay).client.send('rotation', text);
      texts.push(text);
      // Every seventh message, wait for a replacement so that messages flow across each switch.
      if (i % 7 === 6)
        await waitFor(() => fay.connectionIds.length >= (i + 1) / 7 + 1, 10_000, 'a planned reconnect');
    }

    await waitFor(() => fay.rooms.get('rotation')?.length === texts.length, 10_000, 'all messages at Fay');
    expect(fay.rooms.get('rotation')).toEqual(expected(texts));
    expect(new Set(fay.connectionIds).size).toBeGreaterThanOrEqual(3);
    expect(fay.states).toEqual(['connecting', 'open']);
    // Old connections are closed once replaced: only the current one stays open on the gateway.
    await waitFor(
      () => fay.connectionIds.filter((id) => stack().gateway.connectionIds().includes(id)).length === 1,
      5_000,
      'old connections closed',
    );
    fay.client.close();
  });
  it('shows a user’s status and room reactions to the others in the room', async () => {
    const hal = app('hal');
    const ivy = app('ivy');
    await Promise.all([hal.client.joinRoom('lounge'), ivy.client.joinRoom('lounge')]);
    const reactions: string[] = [];
    ivy.client.on('room_reaction', ({ user, reaction }) => reactions.push(`${user.userId}:${reaction}`));
    hal.client.on('room_reaction', ({ reaction }) => reactions.push(`self:${reaction}`));
    const halIn = (client: RoomcastClient) => client.members('lounge').find((m) => m.userId === 'hal');

    const reply = await setStatus(hal.client, 'busy', 'in a call');
    expect(reply).toMatchObject({ type: 'status', status: 'busy', statusText: 'in a call' });
    await waitFor(() => halIn(ivy.client)?.status === 'busy', 5_000, 'Hal busy at Ivy');
    expect(halIn(ivy.client)).toMatchObject({ statusText: 'in a call' });

    hal.client.roomReaction('lounge', '🎉');
    await waitFor(() => reactions.length > 0, 5_000, 'the reaction at Ivy');
    // A fresh snapshot reads the stored status, and the reaction reached Ivy only.
    const snapshot = await ivy.client.presence('lounge');
    expect(snapshot.members.find((m) => m.userId === 'hal')).toMatchObject({ status: 'busy' });
    expect(reactions).toEqual(['hal:🎉']);
  });
  it('keeps read state per user: a marker set on one device reaches the other, and unread counts follow', async () => {
    const phone = app('kim');
    const laptop = app('kim');
    const lee = app('lee');
    await Promise.all([
      phone.client.joinRoom('reading'),
      laptop.client.joinRoom('reading'),
      lee.client.joinRoom('reading'),
    ]);
    const markers: number[] = [];
    laptop.client.on('read_marker', ({ room, readSeq }) => {
      if (room === 'reading') markers.push(readSeq);
    });
    for (const text of ['one', 'two', 'three']) await lee.client.send('reading', text);
    await lee.client.sendDirect('kim', 'psst');

    const marked = await markRead(phone.client, { room: 'reading' }, 2);
    expect(marked).toMatchObject({ room: 'reading', readSeq: 2, lastSeq: 3, unread: 1 });
    await waitFor(() => markers.includes(2), 5_000, 'the marker on the laptop');

    const { conversations } = await unread(laptop.client);
    expect(conversations).toContainEqual({ room: 'reading', readSeq: 2, lastSeq: 3, unread: 1 });
    expect(conversations).toContainEqual({ with: 'lee', readSeq: 0, lastSeq: 1, unread: 1 });
  });
  it('applies edits and deletes in order, live and when catching up after a cut, and summarises reactions', async () => {
    const max = app('max');
    const nia = app('nia');
    await Promise.all([max.client.joinRoom('edits'), nia.client.joinRoom('edits')]);
    const changes: string[] = [];
    nia.client.on('message_updated', ({ change, room }) =>
      changes.push(`${room}:${change.seq}:edit ${change.target}:${change.text}`),
    );
    nia.client.on('message_deleted', ({ change, room }) =>
      changes.push(`${room}:${change.seq}:delete ${change.target}`),
    );
    const mine: string[] = [];
    max.client.on('message_updated', ({ change }) => mine.push(`${change.seq}:edit`));

    const sent = await max.client.send('edits', 'teh first');
    const edited = await editMessage(max.client, { room: 'edits' }, sent.seq, 'the first');
    expect(edited).toMatchObject({ type: 'message_updated', seq: sent.seq + 1, target: sent.seq });
    await waitFor(() => changes.length === 1, 5_000, 'the edit at Nia');
    expect(mine).toEqual([`${sent.seq + 1}:edit`]);
    await expect(deleteMessage(nia.client, { room: 'edits' }, sent.seq)).rejects.toMatchObject({
      code: 'forbidden',
    });

    // Nia reacts: her answer marks it hers at once; Max's client hears the room's summary.
    const summaries: string[] = [];
    max.client.on('reactions_updated', ({ seq, reactions }) =>
      summaries.push(`${seq}:${reactions.map((r) => `${r.reaction}${r.count}`).join()}`),
    );
    const reacted = await react(nia.client, { room: 'edits' }, sent.seq, '👍');
    expect(reacted.reactions).toEqual([{ reaction: '👍', count: 1, mine: true }]);
    await waitFor(() => summaries.length === 1, 10_000, 'the reaction summary at Max');
    expect(summaries).toEqual([`${sent.seq}:👍1`]);
    // A burst of five at once costs fewer summaries than clicks, and the last one counts them all.
    const burst = ['🎉', '❤️', '😂', '👀', '🚀'];
    await Promise.all(burst.map((reaction) => react(nia.client, { room: 'edits' }, sent.seq, reaction)));
    await waitFor(() => summaries.at(-1)?.split(',').length === 6, 10_000, 'the burst summarised');
    expect(summaries.length - 1).toBeLessThan(burst.length);

    // Nia is cut off; the delete happens while she is away and reaches her on her way back.
    nia.sockets.at(-1)?.terminate();
    await deleteMessage(max.client, { room: 'edits' }, sent.seq);
    await waitFor(() => changes.length === 2, 10_000, 'the delete at Nia after she is back');
    expect(changes).toEqual([
      `edits:${sent.seq + 1}:edit ${sent.seq}:the first`,
      `edits:${sent.seq + 2}:delete ${sent.seq}`,
    ]);
  });
});
