// Unit: permissions from token claims (room patterns, moderator and read-only roles), moderators
// removing members, and room bans checked on join and send, on the domain with fakes.

import { describe, expect, it } from '@jest/globals';
import type { ChatError } from '../../src/domain/index.js';
import {
  encodePermissions,
  mayEnter,
  parsePermissions,
  roomMatches,
  type Caller,
  type Permissions,
} from '../../src/domain/index.js';
import { chatHarness } from '../support/chat-harness.js';

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as ChatError).code;
  }
};

const errorOf = (run: () => unknown): ChatError => {
  try {
    run();
  } catch (error) {
    return error as ChatError;
  }
  throw new Error('expected a refusal');
};

describe('permission claims', () => {
  it('reads room patterns as an array or as one string split by spaces or commas, and the role', () => {
    expect(parsePermissions(['team-*', 'lobby'], 'moderator')).toEqual({
      rooms: ['team-*', 'lobby'],
      role: 'moderator',
    });
    expect(parsePermissions('team-* ,lobby  ops.*', undefined)).toEqual({
      rooms: ['team-*', 'lobby', 'ops.*'],
    });
    expect(parsePermissions(undefined, 'readonly')).toEqual({ role: 'readonly' });
    expect(parsePermissions([], undefined)).toEqual({ rooms: [] });
  });

  it('restricts nothing when neither claim is present', () => {
    expect(parsePermissions(undefined, undefined)).toBeUndefined();
    expect(mayEnter(undefined, 'anything')).toBe(true);
  });

  it.each([
    ['a pattern with a character rooms cannot hold', ['team/#'], undefined],
    ['a pattern that is not a string', [42], undefined],
    ['a list that is not one', { rooms: 'lobby' }, undefined],
    ['too many patterns', Array.from({ length: 51 }, (_, i) => `r${i}`), undefined],
    ['an unknown role', undefined, 'admin'],
    ['a role that is not a string', undefined, ['moderator']],
  ])('refuses %s as unauthorized', (_what, rooms, role) => {
    expect(codeOf(() => parsePermissions(rooms, role))).toBe('unauthorized');
  });

  it('holds only the fields whose claim was present', () => {
    expect(parsePermissions(undefined, 'moderator')).toStrictEqual({ role: 'moderator' });
    expect(parsePermissions(['lobby'], undefined)).toStrictEqual({ rooms: ['lobby'] });
  });

  it('accepts exactly 50 room patterns, the most a token may carry', () => {
    const fifty = Array.from({ length: 50 }, (_, i) => `r${i}`);
    expect(parsePermissions(fifty, undefined)).toEqual({ rooms: fifty });
  });

  it('says which claim is malformed and what it must hold', () => {
    expect(errorOf(() => parsePermissions(undefined, 'admin')).message).toBe(
      'The "roomcast:role" claim must be one of moderator, readonly',
    );
    expect(errorOf(() => parsePermissions(['a/b'], undefined)).message).toBe(
      'The "roomcast:rooms" claim must list at most 50 room patterns (room names that may hold "*")',
    );
  });

  it('matches `*` against any run of room-name characters, and `.` only as itself', () => {
    expect(roomMatches('team-*', 'team-red')).toBe(true);
    expect(roomMatches('team-*', 'team-')).toBe(true);
    expect(roomMatches('team-*', 'xteam-red')).toBe(false);
    expect(roomMatches('*-ops', 'eu-ops')).toBe(true);
    expect(roomMatches('a.b', 'a.b')).toBe(true);
    expect(roomMatches('a.b', 'axb')).toBe(false);
    expect(roomMatches('*', 'anything')).toBe(true);
    expect(mayEnter({ rooms: [] }, 'lobby')).toBe(false);
  });

  it('survives the round trip through the authorizer context', () => {
    const permissions: Permissions = { rooms: ['team-*', 'lobby'], role: 'readonly' };
    const context = encodePermissions(permissions);
    expect(context).toEqual({ rooms: 'team-* lobby', role: 'readonly' });
    expect(parsePermissions(context['rooms'], context['role'])).toEqual(permissions);
    expect(parsePermissions(encodePermissions({ rooms: [] })['rooms'], undefined)).toEqual({ rooms: [] });
    expect(encodePermissions(undefined)).toEqual({});
  });
});

async function setUp() {
  const h = chatHarness();
  const join = (caller: Caller, room: string) => h.chat.join.execute(caller, { action: 'join', room });
  const send = (caller: Caller, room: string, text = 'hi') =>
    h.chat.sendMessage.execute(caller, { action: 'sendMessage', room, text });
  return { h, join, send };
}

describe('room patterns', () => {
  it('refuse joins and sends outside the patterns, and keep a user out of a lobby they may not enter', async () => {
    const { h, join, send } = await setUp();
    const ada = await h.connect('ada', 'c-ada', 'Ada', { rooms: ['team-*'] });

    expect(await h.memberships.isMember('lobby', 'c-ada')).toBe(false);
    await expect(join(ada, 'general')).rejects.toMatchObject({
      code: 'forbidden',
      details: { room: 'general' },
    });
    await expect(send(ada, 'lobby')).rejects.toMatchObject({ code: 'not_a_member' });
    await join(ada, 'team-red');
    await send(ada, 'team-red');
    expect(h.notifier.ofType('c-ada', 'ack')).toHaveLength(1);
  });

  it('leave everything as before for a user without claims', async () => {
    const { h, join, send } = await setUp();
    const bob = await h.connect('bob', 'c-bob');
    expect(await h.memberships.isMember('lobby', 'c-bob')).toBe(true);
    await join(bob, 'general');
    await send(bob, 'general');
    await h.chat.typing.execute(bob, { action: 'typing', room: 'general', isTyping: true });
    await h.chat.roomReaction.execute(bob, { action: 'roomReaction', room: 'general', reaction: '👍' });
    await expect(
      h.chat.removeMember.execute(bob, { action: 'removeMember', room: 'general', member: 'ada' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('the read-only role', () => {
  it('joins and reads, but may not send, edit, delete, type, react or write directly', async () => {
    const { h, join, send } = await setUp();
    const ada = await h.connect('ada', 'c-ada');
    const reader = await h.connect('rae', 'c-rae', 'Rae', { role: 'readonly' });
    await send(ada, 'lobby', 'welcome');
    h.notifier.clear();

    const joined = await join(reader, 'lobby');
    expect(joined.lastSeq).toBe(1);
    const history = await h.chat.history.execute(reader, { action: 'history', target: { room: 'lobby' } });
    expect(history.messages).toHaveLength(1);

    const refused = [
      () => send(reader, 'lobby'),
      () => h.chat.sendDirect.execute(reader, { action: 'sendDirect', to: 'ada', text: 'psst' }),
      () =>
        h.chat.amend.execute(reader, {
          action: 'editMessage',
          target: { room: 'lobby' },
          seq: 1,
          text: 'x',
        }),
      () => h.chat.amend.execute(reader, { action: 'deleteMessage', target: { room: 'lobby' }, seq: 1 }),
      () => h.chat.typing.execute(reader, { action: 'typing', room: 'lobby', isTyping: true }),
      () => h.chat.roomReaction.execute(reader, { action: 'roomReaction', room: 'lobby', reaction: '👍' }),
    ];
    for (const attempt of refused) {
      await expect(attempt()).rejects.toMatchObject({ code: 'forbidden' });
    }
    // Nothing reached the room, and nothing was stored.
    expect(h.notifier.ofType('c-ada', 'message')).toEqual([]);
    expect(h.notifier.ofType('c-ada', 'typing')).toEqual([]);
    expect(
      (await h.chat.history.execute(ada, { action: 'history', target: { room: 'lobby' } })).messages,
    ).toHaveLength(1);
  });
});

describe('the moderator role', () => {
  it("edits and deletes another user's message in a room they are in, but not in a direct conversation", async () => {
    const { h, send } = await setUp();
    const ada = await h.connect('ada', 'c-ada');
    const mod = await h.connect('mo', 'c-mo', 'Mo', { role: 'moderator' });
    await send(ada, 'lobby', 'rude words');
    await h.chat.sendDirect.execute(ada, { action: 'sendDirect', to: 'mo', text: 'private' });
    h.notifier.clear();

    const edit = await h.chat.amend.execute(mod, {
      action: 'editMessage',
      target: { room: 'lobby' },
      seq: 1,
      text: '[removed by a moderator]',
    });
    expect(edit.event).toMatchObject({ type: 'message_updated', target: 1, by: { userId: 'mo' } });
    expect(h.notifier.ofType('c-ada', 'message_updated')).toHaveLength(1);
    const deleted = await h.chat.amend.execute(mod, {
      action: 'deleteMessage',
      target: { room: 'lobby' },
      seq: 1,
    });
    expect(deleted.event).toMatchObject({ type: 'message_deleted', target: 1 });

    await expect(
      h.chat.amend.execute(mod, { action: 'deleteMessage', target: { with: 'ada' }, seq: 1 }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('must be in the room to change its messages', async () => {
    const { h, join, send } = await setUp();
    const ada = await h.connect('ada', 'c-ada');
    const mod = await h.connect('mo', 'c-mo', 'Mo', { role: 'moderator' });
    await join(ada, 'general');
    await send(ada, 'general');
    await expect(
      h.chat.amend.execute(mod, { action: 'deleteMessage', target: { room: 'general' }, seq: 1 }),
    ).rejects.toMatchObject({ code: 'not_a_member' });
  });

  it('removes every connection of a member: each is told, the room hears member_left once, the user may rejoin', async () => {
    const { h, join, send } = await setUp();
    const phone = await h.connect('ada', 'c-ada-1');
    await h.connect('ada', 'c-ada-2');
    await h.connect('bob', 'c-bob');
    const mod = await h.connect('mo', 'c-mo', 'Mo', { role: 'moderator' });
    h.notifier.clear();

    const removed = await h.chat.removeMember.execute(mod, {
      action: 'removeMember',
      room: 'lobby',
      member: 'ada',
      requestId: 'r1',
    });

    expect(removed).toEqual({
      type: 'member_removed',
      room: 'lobby',
      userId: 'ada',
      connections: 2,
      requestId: 'r1',
    });
    expect(h.notifier.ofType('c-mo', 'member_removed')).toEqual([removed]);
    for (const tab of ['c-ada-1', 'c-ada-2']) {
      expect(h.notifier.ofType(tab, 'removed')).toEqual([{ type: 'removed', room: 'lobby', banned: false }]);
      expect(await h.memberships.isMember('lobby', tab)).toBe(false);
    }
    expect(h.notifier.ofType('c-bob', 'member_left')).toEqual([
      { type: 'member_left', room: 'lobby', user: { userId: 'ada', displayName: 'ada' } },
    ]);
    await expect(send(phone, 'lobby')).rejects.toMatchObject({ code: 'not_a_member' });
    await join(phone, 'lobby');
    await send(phone, 'lobby');
  });

  it('removes a connection that cannot be told, logging the notice it missed', async () => {
    const { h } = await setUp();
    await h.connect('ada', 'c-ada');
    await h.connect('bob', 'c-bob');
    const mod = await h.connect('mo', 'c-mo', 'Mo', { role: 'moderator' });
    h.notifier.failing.add('c-ada');

    const removed = await h.chat.removeMember.execute(mod, {
      action: 'removeMember',
      room: 'lobby',
      member: 'ada',
    });

    expect(removed.connections).toBe(1);
    expect(await h.memberships.isMember('lobby', 'c-ada')).toBe(false);
    expect(h.notifier.ofType('c-bob', 'member_left')).toHaveLength(1);
    expect(h.logger.withMessage('removal notice not delivered')).toEqual([
      {
        level: 'warn',
        message: 'removal notice not delivered',
        fields: { connectionId: 'c-ada', room: 'lobby', error: expect.any(Error) },
      },
    ]);
  });

  it('answers 0 for a user who is not in the room, and must be in the room itself', async () => {
    const { h } = await setUp();
    const mod = await h.connect('mo', 'c-mo', 'Mo', { role: 'moderator' });
    const none = await h.chat.removeMember.execute(mod, {
      action: 'removeMember',
      room: 'lobby',
      member: 'nobody',
    });
    expect(none.connections).toBe(0);
    await expect(
      h.chat.removeMember.execute(mod, { action: 'removeMember', room: 'general', member: 'ada' }),
    ).rejects.toMatchObject({ code: 'not_a_member' });
  });
});

describe('room bans', () => {
  it('end the live memberships, refuse joins and sends, and lift with unban', async () => {
    const { h, join, send } = await setUp();
    const ada = await h.connect('ada', 'c-ada');
    await h.connect('bob', 'c-bob');
    await join(ada, 'general');
    h.notifier.clear();

    expect(await h.chat.backend.bans.ban('lobby', 'ada')).toEqual({ removed: 1 });
    expect(h.notifier.ofType('c-ada', 'removed')).toEqual([{ type: 'removed', room: 'lobby', banned: true }]);
    expect(h.notifier.ofType('c-bob', 'member_left')).toHaveLength(1);
    await expect(join(ada, 'lobby')).rejects.toMatchObject({
      code: 'forbidden',
      message: 'You are banned from "lobby"',
    });
    // Other rooms are untouched.
    await send(ada, 'general');

    expect(await h.chat.backend.bans.unban('lobby', 'ada')).toEqual({ unbanned: true });
    expect(await h.chat.backend.bans.unban('lobby', 'ada')).toEqual({ unbanned: false });
    await join(ada, 'lobby');
    await send(ada, 'lobby');
  });

  it('refuse a send from a connection whose membership outlived the ban', async () => {
    const { h, send } = await setUp();
    const ada = await h.connect('ada', 'c-ada');
    // Stored without the eviction, as when a join raced the ban.
    await h.bans.ban('lobby', 'ada');
    await expect(send(ada, 'lobby')).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('keep a banned user out of the lobby at connect, without refusing the connection', async () => {
    const { h } = await setUp();
    await h.bans.ban('lobby', 'ada');
    await h.connect('ada', 'c-ada');
    expect(await h.memberships.isMember('lobby', 'c-ada')).toBe(false);
    expect(await h.connections.find('c-ada')).toBeDefined();
  });
});
