// Integration: the use cases on the real adapters (DynamoDB Local, the @connections API on loopback
// through the AWS SDK), checking what ends up in the table and what each request costs.

import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManagementApiNotifier, ManagementClientPool } from '../../src/adapters/apigateway/index.js';
import {
  DynamoDbBans,
  DynamoDbConnectionRegistry,
  DynamoDbMessageLog,
  DynamoDbMessageReactions,
  DynamoDbOccupancy,
  DynamoDbReadMarkers,
  DynamoDbRoomMembership,
  DynamoDbUserStatus,
  USER_INDEX,
} from '../../src/adapters/dynamodb/index.js';
import {
  chatPolicy,
  createChat,
  roomConversation,
  type Caller,
  type ChatPolicy,
  type ServerEvent,
} from '../../src/domain/index.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/dynamodb-local.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { RecordingLogger } from '../fakes/recording-logger.js';
import { SequentialIds } from '../fakes/sequential-ids.js';
import { startConnectionsApi, type ConnectionsApiServer } from '../support/connections-api-server.js';
import { startTestTable, type TestTable } from '../support/dynamodb-table.js';

const HOUR = 3_600_000;
let table: TestTable;
let api: ConnectionsApiServer;
let pool: ManagementClientPool;

beforeAll(async () => {
  [table, api] = await Promise.all([startTestTable(), startConnectionsApi()]);
  pool = new ManagementClientPool({ region: LOCAL_REGION, maxSockets: 32, credentials: LOCAL_CREDENTIALS });
}, 60_000);

afterAll(async () => {
  pool?.destroy();
  await Promise.all([table?.stop(), api?.stop()]);
});

/** `features` adds the chat-feature ports (status, read state, occupancy, reactions), as deployed. */
async function realChat(overrides: Partial<ChatPolicy> = {}, features = false) {
  const tableName = await table.freshTable();
  const clock = new ManualClock();
  const config = { client: table.client, tableName, clock };
  const connections = new DynamoDbConnectionRegistry(config);
  const memberships = new DynamoDbRoomMembership(config);
  const messages = new DynamoDbMessageLog(config);
  const notifier = new ManagementApiNotifier({ client: pool.clientFor(api.endpoint) });
  const policy = chatPolicy(overrides);
  const logger = new RecordingLogger();
  const chat = createChat(
    {
      connections,
      memberships,
      messages,
      notifier,
      clock,
      ids: new SequentialIds(),
      logger,
      ...(features
        ? {
            userStatus: new DynamoDbUserStatus(config),
            readMarkers: new DynamoDbReadMarkers(config),
            occupancy: new DynamoDbOccupancy(config),
            reactions: new DynamoDbMessageReactions(config),
            bans: new DynamoDbBans(config),
          }
        : {}),
    },
    policy,
  );

  /** Opens a connection on the @connections side and runs $connect for it. */
  async function connect(userId: string, connectionId: string): Promise<Caller> {
    api.directory.connect(connectionId);
    const identity = { userId, displayName: userId };
    await chat.connect.execute({ connectionId, identity, connectedAt: clock.now() });
    return { connectionId, identity, connectedAt: clock.now() };
  }

  /** Adds a member straight through the adapters, skipping the join announcements. */
  async function seedMember(room: string, connectionId: string, userId: string, displayName = userId) {
    api.directory.connect(connectionId);
    const expiresAt = clock.now() + HOUR;
    await connections.register({ connectionId, userId, displayName, connectedAt: clock.now(), expiresAt });
    await memberships.add({ room, connectionId, userId, displayName, joinedAt: clock.now(), expiresAt });
  }

  const received = (connectionId: string): ServerEvent[] =>
    api.directory.frames(connectionId).map((frame) => JSON.parse(frame) as ServerEvent);

  /** Every item stored under a partition key, read with a Query on the raw client (not counted). */
  async function partition(pk: string, index?: string) {
    const { Items } = await table.db.client.send(
      new QueryCommand({
        TableName: tableName,
        ...(index === undefined ? {} : { IndexName: index }),
        KeyConditionExpression: `${index === undefined ? 'pk' : 'gsi1pk'} = :pk`,
        ExpressionAttributeValues: { ':pk': pk },
      }),
    );
    return Items ?? [];
  }

  return {
    chat,
    clock,
    connections,
    memberships,
    messages,
    policy,
    logger,
    connect,
    seedMember,
    received,
    partition,
  };
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

describe('the chat on DynamoDB Local', () => {
  it('serves a room whose members span several 1 MB pages', async () => {
    const { memberships, seedMember } = await realChat();
    // 1,200 members of about 2 KB each: about 2.4 MB, more than two of DynamoDB's 1 MB pages.
    const ids = Array.from({ length: 1_200 }, (_, i) => `Big${String(i).padStart(12, '0')}=`);
    await inBatches(ids, 50, (id) => seedMember('big', id, `user-${id}`, 'n'.repeat(2_000)));

    const seen: string[] = [];
    let pages = 0;
    let cursor: string | undefined;
    do {
      const page = await memberships.membersPage('big', { limit: 5_000, ...(cursor ? { cursor } : {}) });
      pages += 1;
      seen.push(...page.members.map((m) => m.connectionId));
      cursor = page.cursor;
    } while (cursor !== undefined);

    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.slice().sort()).toEqual(ids);
  });

  it('gives 100 concurrent appends to one room 100 distinct, gap-free sequence numbers', async () => {
    const { messages, clock } = await realChat();
    const appends = Array.from({ length: 100 }, (_, i) =>
      messages.append({
        conversation: roomConversation('busy'),
        messageId: `m${i}`,
        from: { userId: `u${i % 7}`, displayName: 'u' },
        text: `message ${i}`,
        sentAt: clock.now(),
        expiresAt: clock.now() + HOUR,
      }),
    );

    const seqs = (await Promise.all(appends)).map((result) => result.message.seq).sort((a, b) => a - b);

    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const stored = await messages.read(roomConversation('busy'), { after: 0, limit: 100 });
    expect(stored.messages.map((m) => m.seq)).toEqual(seqs);
  });

  it('accepts concurrent duplicate sends once and delivers them once', async () => {
    const { chat, connect, received, messages } = await realChat();
    const alice = await connect('alice', 'AliceDup000001=');
    await connect('bob', 'BobDup00000001=');

    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        chat.sendMessage.execute(alice, { action: 'sendMessage', text: 'once', clientMsgId: 'same-key' }),
      ),
    );

    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.message.seq))).toEqual(new Set([1]));
    expect(received('BobDup00000001=').filter((e) => e.type === 'message')).toHaveLength(1);
    expect((await messages.read(roomConversation('lobby'), { limit: 10 })).messages).toHaveLength(1);
  });

  it('ignores expired connections, memberships and messages', async () => {
    const { chat, clock, connect, seedMember, received, connections, messages } = await realChat({
      messageRetentionMs: HOUR / 2,
    });
    const alice = await connect('alice', 'AliceExp000001=');
    await chat.sendMessage.execute(alice, { action: 'sendMessage', text: 'old news' });
    // The zombie's records live one hour and $disconnect never comes; expired items may still be stored.
    await seedMember('lobby', 'ZombieExp00001=', 'zombie');
    clock.advance(HOUR);
    const fresh = await connect('carol', 'CarolExp000001=');

    await chat.sendMessage.execute(fresh, { action: 'sendMessage', text: 'new' });

    expect(await connections.find('ZombieExp00001=')).toBeUndefined();
    expect(received('ZombieExp00001=').filter((e) => e.type === 'message')).toEqual([]);
    expect(
      (await messages.read(roomConversation('lobby'), { limit: 10 })).messages.map((m) => m.text),
    ).toEqual(['new']);
  });

  it('removes every record of a connection on disconnect', async () => {
    const { chat, connect, partition } = await realChat();
    const alice = await connect('alice', 'AliceGone00001=');
    await connect('alice', 'AliceStays0001=');
    for (const room of ['general', 'random', 'ops']) await chat.join.execute(alice, { action: 'join', room });

    await chat.disconnect.execute('AliceGone00001=');

    expect(await partition('CONN#AliceGone00001=')).toEqual([]);
    for (const room of ['lobby', 'general', 'random', 'ops']) {
      const members = await partition(`ROOM#${room}`);
      expect(members.filter((item) => item['connectionId'] === 'AliceGone00001=')).toEqual([]);
    }
    const userIndex = await partition('USER#alice', USER_INDEX);
    expect(userIndex.map((item) => item['connectionId'])).toEqual(['AliceStays0001=']);
  });

  it('costs ceil(N / page size) Queries and no Scan to broadcast to N members', async () => {
    const pageSize = 100;
    const { chat, connect, seedMember, received } = await realChat({
      lobbyRoom: null,
      membersPageSize: pageSize,
    });
    const sender = await connect('sender', 'SenderCost0001=');
    await chat.join.execute(sender, { action: 'join', room: 'hall' });
    const ids = Array.from({ length: 249 }, (_, i) => `Cost${String(i).padStart(11, '0')}=`);
    await inBatches(ids, 50, (id) => seedMember('hall', id, `user-${id}`));
    const members = ids.length + 1;

    table.requests.clear();
    const result = await chat.sendMessage.execute(sender, {
      action: 'sendMessage',
      room: 'hall',
      text: 'hello all',
    });

    expect(result.fanOut).toMatchObject({
      recipients: members,
      delivered: members,
      gone: 0,
      failed: 0,
    });
    expect(received(ids[0] as string).filter((e) => e.type === 'message')).toHaveLength(1);
    expect(table.requests.get('ScanCommand')).toBeUndefined();
    expect(table.requests.get('QueryCommand')).toBe(Math.ceil(members / pageSize));
    // The constant part: the membership check, the counter, and the message itself.
    expect(table.requests.get('GetItemCommand')).toBe(1);
    expect(table.requests.get('UpdateItemCommand')).toBe(1);
    expect(table.requests.get('PutItemCommand')).toBe(1);
    expect([...table.requests.values()].reduce((a, b) => a + b, 0)).toBe(Math.ceil(members / pageSize) + 3);
  });

  it('sends no Scan in a whole session of every use case', async () => {
    const { chat, connect, clock } = await realChat({}, true);
    // Each step's requests, so that a Scan names the use case that sent it.
    const requestsOf: Record<string, Record<string, number>> = {};
    async function step(name: string, run: () => Promise<unknown>): Promise<void> {
      table.requests.clear();
      await run();
      requestsOf[name] = Object.fromEntries(table.requests);
    }

    let alice: Caller | undefined;
    let bob: Caller | undefined;
    let carol: Caller | undefined;
    await step('connect', async () => {
      alice = await connect('alice', 'AliceScan00001=');
      bob = await connect('bob', 'BobScan0000001=');
      carol = await connect('carol', 'CarolScan00001=');
    });
    const [a, b] = [alice as Caller, bob as Caller];
    await step('join', async () => {
      await chat.join.execute(a, { action: 'join', room: 'general', since: 0 });
      await chat.join.execute(b, { action: 'join', room: 'general' });
    });
    await step('sendMessage', () =>
      chat.sendMessage.execute(a, { action: 'sendMessage', room: 'general', text: 'hi', clientMsgId: 'k' }),
    );
    await step('sendDirect', () =>
      chat.sendDirect.execute(b, { action: 'sendDirect', to: 'alice', text: 'psst' }),
    );
    await step('history', async () => {
      await chat.history.execute(a, { action: 'history', target: { room: 'general' } });
      await chat.history.execute(a, { action: 'history', target: { with: 'bob' } });
    });
    await step('editMessage', () =>
      chat.amend.execute(a, { action: 'editMessage', target: { room: 'general' }, seq: 1, text: 'hey' }),
    );
    await step('react', () =>
      chat.react.execute(b, {
        action: 'react',
        target: { room: 'general' },
        seq: 1,
        reaction: '👍',
        on: true,
      }),
    );
    await step('react again', () =>
      chat.react.execute(a, {
        action: 'react',
        target: { room: 'general' },
        seq: 1,
        reaction: '👍',
        on: true,
      }),
    );
    await step('react, already given', () =>
      chat.react.execute(a, {
        action: 'react',
        target: { room: 'general' },
        seq: 1,
        reaction: '👍',
        on: true,
      }),
    );
    await step('history with reactions', () =>
      chat.history.execute(a, { action: 'history', target: { room: 'general' } }),
    );
    await step('roomReaction', () =>
      chat.roomReaction.execute(a, { action: 'roomReaction', room: 'general', reaction: '👏' }),
    );
    await step('setStatus', () => chat.setStatus.execute(a, { action: 'setStatus', status: 'away' }));
    await step('markRead', () =>
      chat.markRead.execute(a, { action: 'markRead', target: { room: 'general' }, seq: 2 }),
    );
    await step('unread', () => chat.unread.execute(a, { action: 'unread' }));
    await step('moderate', () => chat.backend.moderate.edit('general', 1, { text: 'moderated' }));
    await step('deleteMessage', () =>
      chat.amend.execute(a, { action: 'deleteMessage', target: { room: 'general' }, seq: 1 }),
    );
    await step('presence', () => chat.presence.execute(a, { action: 'presence', room: 'general' }));
    await step('typing', () => chat.typing.execute(a, { action: 'typing', room: 'general', isTyping: true }));
    await step('ping', () => chat.ping.execute(a, { action: 'ping' }));
    await step('whoami', () => chat.whoami.execute(a, { action: 'whoami' }));
    await step('publish to a room', () =>
      chat.backend.publish.toRoom('general', { text: 'from the backend' }),
    );
    await step('publish to a user', () =>
      chat.backend.publish.toUser('bob', { text: 'your export is ready' }),
    );
    await step('broadcast', () => chat.backend.publish.toEveryone({ text: 'maintenance at noon' }));
    await step('room members', () => chat.backend.rooms.members('general'));
    await step('room history', () => chat.backend.rooms.history('general', { limit: 10 }));
    // Carol's connection vanished without $disconnect: kicking it purges her records.
    api.directory.close((carol as Caller).connectionId);
    clock.advance(60_000);
    await step('kick a connection', () =>
      expect(chat.backend.kick.connection((carol as Caller).connectionId)).rejects.toMatchObject({
        code: 'unknown_connection',
      }),
    );
    const moderator: Caller = { ...a, permissions: { role: 'moderator' } };
    await step('join (bob again)', () => chat.join.execute(b, { action: 'join', room: 'general' }));
    await step('removeMember', () =>
      chat.removeMember.execute(moderator, { action: 'removeMember', room: 'general', member: 'bob' }),
    );
    await step('join (bob, before the ban)', () => chat.join.execute(b, { action: 'join', room: 'general' }));
    await step('ban', () => chat.backend.bans.ban('general', 'bob'));
    await step('join refused by the ban', () =>
      expect(chat.join.execute(b, { action: 'join', room: 'general' })).rejects.toMatchObject({
        code: 'forbidden',
      }),
    );
    await step('unban', () => chat.backend.bans.unban('general', 'bob'));
    await step('kick a user', () => chat.backend.kick.user('bob'));
    await step('leave', () => chat.leave.execute(a, { action: 'leave', room: 'general' }));
    await step('disconnect', async () => {
      await chat.disconnect.execute('AliceScan00001=');
      await chat.disconnect.execute('BobScan0000001=');
    });

    const scanned = Object.entries(requestsOf).filter(([, requests]) => 'ScanCommand' in requests);
    expect(scanned).toEqual([]);
    // Every step but the two that need no table reached DynamoDB, so its silence about Scan means something.
    const silent = Object.entries(requestsOf).filter(([, requests]) => Object.keys(requests).length === 0);
    expect(silent.map(([name]) => name)).toEqual(['ping', 'whoami']);
    // What a reaction costs: the membership check, then one transaction (the user's record and the count),
    // then at once the window's update and the read of the user's reactions. With no queue here, the
    // summary goes out at once too: it closes the window (an update) and lists the room (a query).
    const cost = (name: string) => requestsOf[name];
    expect(cost('react')).toEqual({
      GetItemCommand: 1,
      TransactWriteItemsCommand: 1,
      UpdateItemCommand: 1 + 1,
      QueryCommand: 1 + 1,
    });
    expect(cost('react again')).toEqual(cost('react'));
    // Lifting a ban is one delete.
    expect(cost('unban')).toEqual({ DeleteItemCommand: 1 });
    expect(cost('react, already given')).toEqual({
      GetItemCommand: 2,
      TransactWriteItemsCommand: 1,
      QueryCommand: 1,
    });
  });
});
