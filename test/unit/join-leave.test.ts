// Unit: joining and leaving rooms, presence snapshots on join, and catching up with `since`.

import { describe, expect, it } from '@jest/globals';
import { ChatError, type Caller } from '../../src/domain/index.js';
import { chatHarness, type ChatHarness } from '../support/chat-harness.js';

async function say(h: ChatHarness, caller: Caller, room: string, text: string) {
  return h.chat.sendMessage.execute(caller, { action: 'sendMessage', room, text });
}

describe('join', () => {
  it('adds the membership and replies with a presence snapshot aggregated per user', async () => {
    const h = chatHarness();
    const alice = await h.connect('alice', 'c-alice', 'Alice');
    const bob1 = await h.connect('bob', 'c-bob-1', 'Bob');
    const bob2 = await h.connect('bob', 'c-bob-2', 'Bob');
    await h.chat.join.execute(bob1, { action: 'join', room: 'general' });
    await h.chat.join.execute(bob2, { action: 'join', room: 'general' });

    const joined = await h.chat.join.execute(alice, { action: 'join', room: 'general', requestId: 'r1' });

    expect(joined).toEqual({
      type: 'joined',
      room: 'general',
      requestId: 'r1',
      truncated: false,
      readSeq: 0,
      lastSeq: 0,
      unread: 0,
      occupancy: { connections: 3, users: 2 },
      members: [
        { userId: 'alice', displayName: 'Alice', connections: 1, status: 'available' },
        { userId: 'bob', displayName: 'Bob', connections: 2, status: 'available' },
      ],
    });
    expect(h.notifier.ofType('c-alice', 'joined')).toEqual([joined]);
    expect(await h.memberships.isMember('general', 'c-alice')).toBe(true);
  });

  it('copies the user’s status onto the membership, and none when the user has not set one', async () => {
    const h = chatHarness({ lobbyRoom: null });
    const alice = await h.connect('alice', 'c-alice');
    const bob = await h.connect('bob', 'c-bob');
    await h.chat.setStatus.execute(bob, { action: 'setStatus', status: 'away' });

    await h.chat.join.execute(alice, { action: 'join', room: 'general' });
    await h.chat.join.execute(bob, { action: 'join', room: 'general' });

    const [aliceThere, bobThere] = h.memberships.stored();
    expect(aliceThere).not.toHaveProperty('status');
    expect(bobThere).toMatchObject({ connectionId: 'c-bob', status: { status: 'away' } });
  });

  it('tells the other members once per user, not the joiner', async () => {
    const h = chatHarness();
    const carol = await h.connect('carol', 'c-carol');
    const bob1 = await h.connect('bob', 'c-bob-1');
    const bob2 = await h.connect('bob', 'c-bob-2');
    await h.chat.join.execute(carol, { action: 'join', room: 'general' });

    await h.chat.join.execute(bob1, { action: 'join', room: 'general' });
    await h.chat.join.execute(bob2, { action: 'join', room: 'general' });
    await h.chat.join.execute(bob2, { action: 'join', room: 'general' });

    const told = h.notifier.ofType('c-carol', 'member_joined').filter((e) => e.room === 'general');
    expect(told).toEqual([
      { type: 'member_joined', room: 'general', user: { userId: 'bob', displayName: 'bob' } },
    ]);
    expect(h.notifier.ofType('c-bob-1', 'member_joined').filter((e) => e.room === 'general')).toEqual([]);
  });

  it('tells nobody again when the same connection joins a room twice', async () => {
    const h = chatHarness();
    const carol = await h.connect('carol', 'c-carol');
    const dan = await h.connect('dan', 'c-dan');
    await h.chat.join.execute(carol, { action: 'join', room: 'general' });

    await h.chat.join.execute(dan, { action: 'join', room: 'general' });
    const again = await h.chat.join.execute(dan, { action: 'join', room: 'general' });

    expect(h.notifier.ofType('c-carol', 'member_joined').filter((e) => e.room === 'general')).toHaveLength(1);
    expect(again.members.map((m) => m.userId)).toEqual(['carol', 'dan']);
  });

  it('replies with the messages missed since a sequence number, oldest first', async () => {
    const h = chatHarness();
    const alice = await h.connect('alice', 'c-alice');
    const bob = await h.connect('bob', 'c-bob');
    await h.chat.join.execute(alice, { action: 'join', room: 'general' });
    for (const text of ['one', 'two', 'three', 'four']) await say(h, alice, 'general', text);

    const joined = await h.chat.join.execute(bob, { action: 'join', room: 'general', since: 2 });

    expect(joined.missed?.map((m) => [m.seq, 'text' in m ? m.text : ''])).toEqual([
      [3, 'three'],
      [4, 'four'],
    ]);
    expect(joined.hasMore).toBe(false);
  });

  it('caps the missed messages and says there is more', async () => {
    const h = chatHarness({ historyLimitMax: 3, historyLimitDefault: 3 });
    const alice = await h.connect('alice', 'c-alice');
    for (let i = 1; i <= 5; i += 1) await say(h, alice, 'lobby', `m${i}`);

    const joined = await h.chat.join.execute(alice, { action: 'join', room: 'lobby', since: 0 });

    expect(joined.missed?.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(joined.hasMore).toBe(true);
  });

  it('fits missed messages that end the history into the payload limit at its exact size and one byte below', async () => {
    const joinAt = async (maxPayloadBytes: number) => {
      const h = chatHarness({ maxPayloadBytes, maxFrameBytes: 200 });
      const alice = await h.connect('alice', 'c-alice');
      for (const text of ['one', 'two', 'three']) await say(h, alice, 'lobby', text);
      return h.chat.join.execute(alice, { action: 'join', room: 'lobby', since: 0 });
    };
    const size = Buffer.byteLength(JSON.stringify(await joinAt(128 * 1024)), 'utf8');

    const all = await joinAt(size);
    expect([all.missed?.map((m) => m.seq), all.hasMore]).toEqual([[1, 2, 3], false]);

    // One byte short: `hasMore: false` is one byte longer than `true`, so the last message has to go.
    const cut = await joinAt(size - 1);
    expect([cut.missed?.map((m) => m.seq), cut.hasMore]).toEqual([[1, 2], true]);
    expect(Buffer.byteLength(JSON.stringify(cut), 'utf8')).toBeLessThanOrEqual(size - 1);
  });

  it('keeps the missed messages within one @connections payload', async () => {
    const h = chatHarness({ maxPayloadBytes: 40 * 1024 });
    const alice = await h.connect('alice', 'c-alice');
    // Each message is about 7.9 KB on the wire ("é" is two bytes), so 40 KB holds only a few of the ten.
    for (let i = 0; i < 10; i += 1) await say(h, alice, 'lobby', 'é'.repeat(3_900));

    const joined = await h.chat.join.execute(alice, { action: 'join', room: 'lobby', since: 0 });

    expect(Buffer.byteLength(JSON.stringify(joined), 'utf8')).toBeLessThanOrEqual(40 * 1024);
    expect(joined.missed?.length).toBeGreaterThan(0);
    expect(joined.missed?.length).toBeLessThan(10);
    expect(joined.hasMore).toBe(true);
  });

  it('lists at most the configured number of users and says it is truncated', async () => {
    const h = chatHarness({ presenceMaxUsers: 3, membersPageSize: 2 });
    for (let i = 0; i < 6; i += 1) await h.connect(`user${i}`, `c${i}`);
    const me = await h.connect('me', 'c-me');

    const joined = await h.chat.join.execute(me, { action: 'join', room: 'lobby' });

    expect(joined.members).toHaveLength(3);
    expect(joined.truncated).toBe(true);
  });
});

describe('leave', () => {
  it('removes the membership, replies, and tells the room when the user is gone from it', async () => {
    const h = chatHarness();
    const alice = await h.connect('alice', 'c-alice');
    const bob = await h.connect('bob', 'c-bob');
    await h.chat.join.execute(alice, { action: 'join', room: 'general' });
    await h.chat.join.execute(bob, { action: 'join', room: 'general' });

    const result = await h.chat.leave.execute(bob, { action: 'leave', room: 'general', requestId: 'bye' });

    expect(result).toEqual({ wasMember: true });
    expect(await h.memberships.isMember('general', 'c-bob')).toBe(false);
    expect(h.notifier.ofType('c-bob', 'left')).toEqual([{ type: 'left', room: 'general', requestId: 'bye' }]);
    expect(h.notifier.ofType('c-alice', 'member_left')).toEqual([
      { type: 'member_left', room: 'general', user: { userId: 'bob', displayName: 'bob' } },
    ]);
  });

  it('tells nobody while the user still has another connection in the room', async () => {
    const h = chatHarness();
    const alice = await h.connect('alice', 'c-alice');
    const bob1 = await h.connect('bob', 'c-bob-1');
    const bob2 = await h.connect('bob', 'c-bob-2');
    for (const caller of [alice, bob1, bob2])
      await h.chat.join.execute(caller, { action: 'join', room: 'general' });

    await h.chat.leave.execute(bob1, { action: 'leave', room: 'general' });

    expect(h.notifier.ofType('c-alice', 'member_left')).toEqual([]);
  });

  it('answers a leave of a room one is not in, without telling anyone', async () => {
    const h = chatHarness();
    const alice = await h.connect('alice', 'c-alice');
    const bob = await h.connect('bob', 'c-bob');

    expect(await h.chat.leave.execute(bob, { action: 'leave', room: 'nowhere' })).toEqual({
      wasMember: false,
    });
    expect(h.notifier.ofType('c-bob', 'left')).toHaveLength(1);
    expect(h.notifier.ofType(alice.connectionId, 'member_left')).toEqual([]);
  });

  it('tells the members of a room one is not in nothing, and leaves its counts', async () => {
    const h = chatHarness();
    const alice = await h.connect('alice', 'c-alice');
    const bob = await h.connect('bob', 'c-bob');
    await h.chat.join.execute(alice, { action: 'join', room: 'general' });
    const counts = await h.occupancy.get('general');

    expect(await h.chat.leave.execute(bob, { action: 'leave', room: 'general' })).toEqual({
      wasMember: false,
    });

    expect(h.notifier.ofType('c-alice', 'member_left')).toEqual([]);
    expect(await h.occupancy.get('general')).toEqual(counts);
  });
});

describe('rooms per connection', () => {
  async function joinError(h: ChatHarness, caller: Caller, room: string): Promise<ChatError | undefined> {
    try {
      await h.chat.join.execute(caller, { action: 'join', room });
      return undefined;
    } catch (error) {
      if (error instanceof ChatError) return error;
      throw error;
    }
  }

  it('answers too_many_rooms past the cap, the lobby counted, and joins nothing', async () => {
    const h = chatHarness({ maxRoomsPerConnection: 3 });
    const alice = await h.connect('alice', 'c-alice');
    await h.chat.join.execute(alice, { action: 'join', room: 'one' });
    await h.chat.join.execute(alice, { action: 'join', room: 'two' });

    const refused = await joinError(h, alice, 'three');

    expect(refused?.code).toBe('too_many_rooms');
    expect(refused?.message).toBe('A connection may be in at most 3 rooms; leave one first');
    expect(refused?.details).toEqual({ maxRooms: 3 });
    expect((await h.memberships.roomsOf('c-alice')).sort()).toEqual(['lobby', 'one', 'two']);
    // Each connection has its own count.
    const alice2 = await h.connect('alice', 'c-alice-2');
    await h.chat.join.execute(alice2, { action: 'join', room: 'three' });
  });

  it('does not count a room joined again, and a room left makes room', async () => {
    const h = chatHarness({ maxRoomsPerConnection: 2, lobbyRoom: null });
    const bob = await h.connect('bob', 'c-bob');
    await h.chat.join.execute(bob, { action: 'join', room: 'one' });
    await h.chat.join.execute(bob, { action: 'join', room: 'two' });

    expect(await joinError(h, bob, 'two')).toBeUndefined();
    expect((await joinError(h, bob, 'three'))?.code).toBe('too_many_rooms');

    await h.chat.leave.execute(bob, { action: 'leave', room: 'one' });
    expect(await joinError(h, bob, 'three')).toBeUndefined();
  });

  it('lets a connection that overshot the cap with joins sent at once join its rooms again', async () => {
    const h = chatHarness({ maxRoomsPerConnection: 2, lobbyRoom: null });
    const bob = await h.connect('bob', 'c-bob');
    await h.chat.join.execute(bob, { action: 'join', room: 'one' });
    // Both count one room, so both pass: the overshoot the cap allows.
    await Promise.all(['two', 'three'].map((room) => h.chat.join.execute(bob, { action: 'join', room })));
    expect(await h.memberships.roomsOf('c-bob')).toHaveLength(3);

    expect(await joinError(h, bob, 'two')).toBeUndefined();
    expect((await joinError(h, bob, 'four'))?.code).toBe('too_many_rooms');
  });

  it('does not count a lapsed membership of the room being joined again', async () => {
    const h = chatHarness({ maxRoomsPerConnection: 2, lobbyRoom: null });
    const bob = await h.connect('bob', 'c-bob');
    // Lapsed but not yet deleted: `roomsOf` still lists it, `isMember` does not.
    await h.memberships.add({
      room: 'old',
      connectionId: 'c-bob',
      userId: 'bob',
      displayName: 'bob',
      joinedAt: h.clock.now() - 2,
      expiresAt: h.clock.now() - 1,
    });
    await h.chat.join.execute(bob, { action: 'join', room: 'one' });

    expect(await joinError(h, bob, 'old')).toBeUndefined();
    expect(await h.memberships.isMember('old', 'c-bob')).toBe(true);
  });
});

describe('arrivals and departures in large rooms', () => {
  // announceMaxMembers 3, pages of 2: the room's size is known after at most two pages.
  const policy = { announceMaxMembers: 3, membersPageSize: 2, lobbyRoom: null };

  async function roomOf(h: ChatHarness, size: number) {
    const members = [];
    for (let i = 0; i < size; i += 1) {
      const member = await h.connect(`m${i}`, `c-m${i}`);
      await h.chat.join.execute(member, { action: 'join', room: 'big' });
      members.push(member);
    }
    return members;
  }

  it('announces a join while the others number at most announceMaxMembers', async () => {
    const h = chatHarness(policy);
    await roomOf(h, 3);
    const before = h.notifier.deliveries;
    const newcomer = await h.connect('new', 'c-new');
    await h.chat.join.execute(newcomer, { action: 'join', room: 'big' });

    for (let i = 0; i < 3; i += 1) {
      expect(
        h.notifier.ofType(`c-m${i}`, 'member_joined').filter((e) => e.user.userId === 'new'),
      ).toHaveLength(1);
    }
    // Three announcements and the joiner's own reply.
    expect(h.notifier.deliveries - before).toBe(4);
  });

  it('posts nothing to anyone when a join or a leave would reach more than announceMaxMembers', async () => {
    const h = chatHarness(policy);
    const members = await roomOf(h, 4);
    const pagesBefore = h.memberships.pagesRead.get('big') ?? 0;
    const before = h.notifier.deliveries;
    const newcomer = await h.connect('new', 'c-new');

    const joined = await h.chat.join.execute(newcomer, { action: 'join', room: 'big' });
    await h.chat.leave.execute(members[0]!, { action: 'leave', room: 'big' });

    for (let i = 0; i < 4; i += 1) {
      expect(h.notifier.ofType(`c-m${i}`, 'member_joined').filter((e) => e.user.userId === 'new')).toEqual(
        [],
      );
    }
    expect(h.notifier.ofType('c-new', 'member_left')).toEqual([]);
    // Only the replies: `joined` to the newcomer and `left` to the leaver.
    expect(h.notifier.deliveries - before).toBe(2);
    // The snapshot in the reply and presence still list everyone.
    expect(joined.members.map((m) => m.userId)).toContain('m3');
    // Listing stops once the room is known to be too large: 2 pages per announcement here, on top of
    // the snapshot's pages.
    expect((h.memberships.pagesRead.get('big') ?? 0) - pagesBefore).toBeLessThanOrEqual(3 + 2 * 2);
  });
});
