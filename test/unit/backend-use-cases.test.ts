// Unit: what backends may do: publish to a room, a user or everyone, look at rooms, and kick.

import { describe, expect, it } from '@jest/globals';
import {
  ChatError,
  directConversation,
  roomConversation,
  toIdentity,
  HANDSHAKE_GRACE_MS,
} from '../../src/domain/index.js';
import { chatHarness } from '../support/chat-harness.js';

async function withRoom() {
  const h = chatHarness();
  const alice = await h.connect('alice', 'c-alice', 'Alice');
  const bob = await h.connect('bob', 'c-bob', 'Bob');
  for (const caller of [alice, bob]) await h.chat.join.execute(caller, { action: 'join', room: 'ops' });
  h.notifier.clear();
  return { h, alice, bob };
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'no error';
  } catch (error) {
    return error instanceof ChatError ? error.code : String(error);
  }
}

describe('publish to a room', () => {
  it('stores the message with the next sequence number as `system` and fans it out to every member', async () => {
    const { h } = await withRoom();

    const result = await h.chat.backend.publish.toRoom('ops', { text: 'Deploy at 5pm', from: 'Release bot' });

    expect(result).toMatchObject({
      duplicate: false,
      message: { seq: 1 },
      fanOut: { recipients: 2, delivered: 2 },
    });
    expect(h.notifier.ofType('c-alice', 'message')).toEqual([
      expect.objectContaining({
        room: 'ops',
        seq: 1,
        text: 'Deploy at 5pm',
        from: { userId: 'system', displayName: 'Release bot' },
      }),
    ]);
  });

  it('accepts a retried publish once', async () => {
    const { h } = await withRoom();
    await h.chat.backend.publish.toRoom('ops', { text: 'once', clientMsgId: 'job-42' });
    const retry = await h.chat.backend.publish.toRoom('ops', { text: 'once', clientMsgId: 'job-42' });
    expect(retry).toMatchObject({ duplicate: true, message: { seq: 1 } });
    expect(h.notifier.ofType('c-bob', 'message')).toHaveLength(1);
  });

  it('refuses an unknown room, bad text and an over-long sender', async () => {
    const { h } = await withRoom();
    expect(await codeOf(h.chat.backend.publish.toRoom('nowhere', { text: 'hi' }))).toBe('unknown_room');
    expect(await codeOf(h.chat.backend.publish.toRoom('ops', { text: '  ' }))).toBe('invalid_request');
    expect(await codeOf(h.chat.backend.publish.toRoom('ops', { text: 42 }))).toBe('invalid_request');
    expect(await codeOf(h.chat.backend.publish.toRoom('ops', { text: 'x'.repeat(5_000) }))).toBe(
      'message_too_large',
    );
    expect(await codeOf(h.chat.backend.publish.toRoom('ops', { text: 'hi', from: 'n'.repeat(65) }))).toBe(
      'invalid_request',
    );
    expect(h.messages.stored(roomConversation('ops'))).toEqual([]);
  });

  it('says which room it does not know, and why', async () => {
    const { h } = await withRoom();
    const refused = await h.chat.backend.publish
      .toRoom('nowhere', { text: 'hi' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ChatError);
    expect([(refused as ChatError).message, (refused as ChatError).details]).toEqual([
      'No room "nowhere": it has no members and no history',
      { room: 'nowhere' },
    ]);
  });

  it('knows a room with one member and no history', async () => {
    const h = chatHarness({ lobbyRoom: null });
    const alice = await h.connect('alice', 'c-alice');
    await h.chat.join.execute(alice, { action: 'join', room: 'quiet' });

    const result = await h.chat.backend.publish.toRoom('quiet', { text: 'hello' });

    expect(result).toMatchObject({ message: { seq: 1 }, fanOut: { delivered: 1 } });
  });

  it('knows a room whose first listed member has lapsed but a later one has not', async () => {
    const h = chatHarness({ lobbyRoom: null });
    const zed = await h.connect('zed', 'c-zed');
    await h.chat.join.execute(zed, { action: 'join', room: 'quiet' });
    // Listed before Zed, lapsed but not yet deleted: the first page of one holds no live member.
    await h.memberships.add({
      room: 'quiet',
      connectionId: 'c-amy',
      userId: 'amy',
      displayName: 'Amy',
      joinedAt: h.clock.now() - 2,
      expiresAt: h.clock.now() - 1,
    });

    const result = await h.chat.backend.publish.toRoom('quiet', { text: 'hello' });

    expect(result).toMatchObject({ message: { seq: 1 }, fanOut: { delivered: 1 } });
  });

  it('knows a room that has history but no members', async () => {
    const { h } = await withRoom();
    await h.chat.backend.publish.toRoom('ops', { text: 'first' });
    await h.chat.disconnect.execute('c-alice');
    await h.chat.disconnect.execute('c-bob');
    expect((await h.chat.backend.publish.toRoom('ops', { text: 'second' })).message.seq).toBe(2);
  });
});

describe('publish to a user', () => {
  it('delivers to every connection of the user and keeps it in their conversation with system', async () => {
    const h = chatHarness();
    await h.connect('dana', 'c-dana-1');
    const dana2 = await h.connect('dana', 'c-dana-2');
    await h.connect('eve', 'c-eve');

    const result = await h.chat.backend.publish.toUser('dana', { text: 'Your export is ready' });

    expect(result.fanOut).toMatchObject({ recipients: 2, delivered: 2 });
    for (const id of ['c-dana-1', 'c-dana-2']) {
      expect(h.notifier.ofType(id, 'direct')).toEqual([
        expect.objectContaining({
          to: 'dana',
          text: 'Your export is ready',
          from: { userId: 'system', displayName: 'system' },
        }),
      ]);
    }
    expect(h.notifier.ofType('c-eve', 'direct')).toEqual([]);
    expect(h.messages.stored(directConversation('system', 'dana'))).toHaveLength(1);
    const history = await h.chat.history.execute(dana2, { action: 'history', target: { with: 'system' } });
    expect(history.messages.map((m) => ('text' in m ? m.text : ''))).toEqual(['Your export is ready']);
  });

  it('accepts a retried publish once, delivering it once', async () => {
    const h = chatHarness();
    await h.connect('dana', 'c-dana');

    await h.chat.backend.publish.toUser('dana', { text: 'once', clientMsgId: 'job-7' });
    const retry = await h.chat.backend.publish.toUser('dana', { text: 'once', clientMsgId: 'job-7' });

    expect(retry).toStrictEqual({ message: expect.objectContaining({ seq: 1 }), duplicate: true });
    expect(h.notifier.ofType('c-dana', 'direct')).toHaveLength(1);
  });

  it('stores the recipient with the message', async () => {
    const h = chatHarness();

    await h.chat.backend.publish.toUser('dana', { text: 'Your export is ready' });

    expect(h.messages.stored(directConversation('system', 'dana'))).toEqual([
      expect.objectContaining({ from: expect.objectContaining({ userId: 'system' }), to: 'dana' }),
    ]);
  });
});

describe('broadcast', () => {
  it('sends a notice to every live connection and removes the ones that are gone', async () => {
    const h = chatHarness({ lobbyRoom: null, membersPageSize: 2 });
    for (const user of ['a', 'b', 'c', 'd', 'e']) await h.connect(user, `c-${user}`);
    h.notifier.gone.add('c-c');
    h.clock.advance(HANDSHAKE_GRACE_MS); // past the handshake grace: gone now means stale

    const { notice, fanOut } = await h.chat.backend.publish.toEveryone({
      text: 'Maintenance in 5 minutes',
      from: 'Ops',
    });

    expect(fanOut).toMatchObject({ target: 'everyone', recipients: 5, delivered: 4, gone: 1 });
    expect(h.notifier.ofType('c-a', 'notice')).toEqual([notice]);
    expect(notice).toMatchObject({
      type: 'notice',
      text: 'Maintenance in 5 minutes',
      from: { displayName: 'Ops' },
    });
    expect(await h.connections.find('c-c')).toBeUndefined();
  });
});

describe('room queries', () => {
  it('lists members per user and pages history; refuses unknown rooms', async () => {
    const { h } = await withRoom();
    for (const text of ['one', 'two', 'three']) await h.chat.backend.publish.toRoom('ops', { text });

    expect(await h.chat.backend.rooms.members('ops')).toMatchObject({
      room: 'ops',
      truncated: false,
      members: [
        { userId: 'alice', displayName: 'Alice', connections: 1 },
        { userId: 'bob', displayName: 'Bob', connections: 1 },
      ],
    });
    const page = await h.chat.backend.rooms.history('ops', { after: 1, limit: 1 });
    expect([page.messages.map((m) => ('text' in m ? m.text : '')), page.hasMore]).toEqual([['two'], true]);
    expect(await codeOf(h.chat.backend.rooms.members('nowhere'))).toBe('unknown_room');
    expect(await codeOf(h.chat.backend.rooms.history('nowhere', {}))).toBe('unknown_room');
  });
});

describe('kick', () => {
  it('closes a connection; an unknown one is reported and its records purged', async () => {
    const { h } = await withRoom();
    await h.chat.backend.kick.connection('c-alice');
    expect(h.notifier.closed).toEqual(['c-alice']);

    h.notifier.gone.add('c-bob');
    await expect(h.chat.backend.kick.connection('c-bob')).rejects.toMatchObject({
      code: 'unknown_connection',
      message: 'No connection c-bob',
      details: { connectionId: 'c-bob' },
    });
    expect(await h.connections.find('c-bob')).toBeUndefined();
    expect(await h.memberships.isMember('ops', 'c-bob')).toBe(false);
  });

  it('closes every connection of a user', async () => {
    const h = chatHarness();
    await h.connect('mallory', 'c-m1');
    await h.connect('mallory', 'c-m2');
    await h.connect('mallory', 'c-m3');
    h.notifier.gone.add('c-m3');

    expect(await h.chat.backend.kick.user('mallory')).toEqual({ closed: 2, gone: 1 });
    expect(h.notifier.closed.sort()).toEqual(['c-m1', 'c-m2']);
  });
});

it('reserves the system user id: no authenticated identity may take it', () => {
  expect(() => toIdentity('system', 'Impostor')).toThrow(expect.objectContaining({ code: 'unauthorized' }));
});
