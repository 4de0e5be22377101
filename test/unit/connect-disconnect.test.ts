// Unit: $connect records the connection and joins the lobby (within the user's connection cap);
// $disconnect forgets everything about it, its rate-limit bucket included.

import { describe, expect, it } from '@jest/globals';
import {
  ChatError,
  ConnectionJanitor,
  Disconnect,
  DISCONNECT_ANNOUNCE_CONCURRENCY,
} from '../../src/domain/index.js';
import type { MembershipAnnouncer } from '../../src/domain/use-cases/membership-announcer.js';
import { InMemoryConnectionRegistry } from '../fakes/in-memory-connection-registry.js';
import { InMemoryRoomMembership } from '../fakes/in-memory-room-membership.js';
import { ManualClock } from '../fakes/manual-clock.js';
import { chatHarness } from '../support/chat-harness.js';

async function refusal(work: Promise<unknown>): Promise<ChatError | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    if (error instanceof ChatError) return error;
    throw error;
  }
}

describe('connect', () => {
  it('records the connection with an expiry and joins the lobby', async () => {
    const h = chatHarness();
    const startedAt = h.clock.now();

    await h.connect('alice', 'c-alice', 'Alice');

    expect(await h.connections.find('c-alice')).toEqual({
      connectionId: 'c-alice',
      userId: 'alice',
      displayName: 'Alice',
      connectedAt: startedAt,
      expiresAt: startedAt + h.policy.connectionTtlMs,
    });
    expect(await h.memberships.isMember('lobby', 'c-alice')).toBe(true);
  });

  it('reports the lobby announcement it made, or that the user was already in the lobby', async () => {
    const h = chatHarness();
    const connect = (connectionId: string) =>
      h.chat.connect.execute({
        connectionId,
        identity: { userId: 'alice', displayName: 'Alice' },
        connectedAt: h.clock.now(),
      });

    const first = await connect('c-alice-1');
    const second = await connect('c-alice-2');

    expect(first.lobbyJoined).toMatchObject({ target: 'room:lobby', complete: true });
    expect(second.lobbyJoined).toBe('already-present');
  });

  it('tells the lobby a user arrived, once per user, and sends nothing to the new connection', async () => {
    const h = chatHarness();
    await h.connect('alice', 'c-alice');

    await h.connect('bob', 'c-bob-1', 'Bob');
    await h.connect('bob', 'c-bob-2', 'Bob');

    expect(h.notifier.ofType('c-alice', 'member_joined')).toEqual([
      { type: 'member_joined', room: 'lobby', user: { userId: 'bob', displayName: 'Bob' } },
    ]);
    expect(h.notifier.eventsOf('c-bob-1')).toEqual([]);
    expect(h.notifier.eventsOf('c-bob-2')).toEqual([]);
  });

  it('uses a configured lobby name', async () => {
    const h = chatHarness({ lobbyRoom: 'town-square' });
    await h.connect('alice', 'c-alice');
    expect(await h.memberships.roomsOf('c-alice')).toEqual(['town-square']);
  });

  it('joins no room when the lobby is switched off', async () => {
    const h = chatHarness({ lobbyRoom: null });
    await h.connect('alice', 'c-alice');
    expect(await h.memberships.roomsOf('c-alice')).toEqual([]);
    expect(await h.connections.find('c-alice')).toBeDefined();
  });

  it('treats a connection as gone once its record has expired', async () => {
    const h = chatHarness();
    await h.connect('alice', 'c-alice');
    h.clock.advance(h.policy.connectionTtlMs);
    expect(await h.connections.find('c-alice')).toBeUndefined();
    expect(await h.memberships.isMember('lobby', 'c-alice')).toBe(false);
  });
});

describe('connection cap per user', () => {
  it('refuses the handshake past the cap with too_many_connections, recording nothing', async () => {
    const h = chatHarness({ maxConnectionsPerUser: 3 });
    for (let i = 0; i < 3; i += 1) await h.connect('mallory', `c-${i}`);

    const refused = await refusal(h.connect('mallory', 'c-3'));

    expect(refused?.code).toBe('too_many_connections');
    expect(refused?.message).toBe('This user already has 3 connections; close one first');
    expect(refused?.details).toEqual({ maxConnections: 3 });
    expect(await h.connections.find('c-3')).toBeUndefined();
    expect(await h.memberships.isMember('lobby', 'c-3')).toBe(false);
    // Other users are not affected.
    await h.connect('alice', 'c-alice');
  });

  it('counts only live connections: a closed or expired one makes room', async () => {
    const h = chatHarness({ maxConnectionsPerUser: 2 });
    await h.connect('mallory', 'c-old');
    h.clock.advance(h.policy.connectionTtlMs - 1_000);
    await h.connect('mallory', 'c-1');
    expect((await refusal(h.connect('mallory', 'c-2')))?.code).toBe('too_many_connections');

    h.clock.advance(1_000);
    await h.connect('mallory', 'c-2');
    expect((await refusal(h.connect('mallory', 'c-3')))?.code).toBe('too_many_connections');

    await h.chat.disconnect.execute('c-1');
    await h.connect('mallory', 'c-3');
  });

  it('does not count the connection itself when its $connect runs again', async () => {
    const h = chatHarness({ maxConnectionsPerUser: 2 });
    await h.connect('mallory', 'c-1');
    await h.connect('mallory', 'c-2');
    await h.connect('mallory', 'c-2');
    expect(await h.connections.find('c-2')).toBeDefined();
  });
});

describe('disconnect', () => {
  it('removes the connection and all its memberships', async () => {
    const h = chatHarness();
    const alice = await h.connect('alice', 'c-alice');
    await h.chat.join.execute(alice, { action: 'join', room: 'general' });
    await h.chat.join.execute(alice, { action: 'join', room: 'random' });

    const result = await h.chat.disconnect.execute('c-alice');

    expect(result.roomsLeft.sort()).toEqual(['general', 'lobby', 'random']);
    expect(h.connections.stored()).toEqual([]);
    expect(h.memberships.stored()).toEqual([]);
  });

  it('tells each room the user left only when it was their last connection there', async () => {
    const h = chatHarness();
    await h.connect('carol', 'c-carol');
    await h.connect('bob', 'c-bob-1');
    await h.connect('bob', 'c-bob-2');
    h.notifier.clear();

    await h.chat.disconnect.execute('c-bob-1');
    expect(h.notifier.ofType('c-carol', 'member_left')).toEqual([]);

    await h.chat.disconnect.execute('c-bob-2');
    expect(h.notifier.ofType('c-carol', 'member_left')).toEqual([
      { type: 'member_left', room: 'lobby', user: { userId: 'bob', displayName: 'bob' } },
    ]);
  });

  it('is safe to run twice and for a connection never seen', async () => {
    const h = chatHarness();
    await h.connect('carol', 'c-carol');
    await h.connect('bob', 'c-bob');
    h.notifier.clear();

    await h.chat.disconnect.execute('c-bob');
    await h.chat.disconnect.execute('c-bob');
    await h.chat.disconnect.execute('never-connected');

    expect(h.notifier.ofType('c-carol', 'member_left')).toHaveLength(1);
  });

  it("deletes the connection's rate-limit bucket, not the user's", async () => {
    const h = chatHarness();
    const bob1 = await h.connect('bob', 'c-bob-1');
    await h.connect('bob', 'c-bob-2');
    await h.chat.admission.admit(bob1);
    expect(h.rateLimiter.has({ scope: 'connection', connectionId: 'c-bob-1' })).toBe(true);

    await h.chat.disconnect.execute('c-bob-1');

    expect(h.rateLimiter.has({ scope: 'connection', connectionId: 'c-bob-1' })).toBe(false);
    expect(h.rateLimiter.has({ scope: 'user', userId: 'bob' })).toBe(true);
  });

  it('announces the rooms left a few at a time, every one of them', async () => {
    const clock = new ManualClock(0);
    const memberships = new InMemoryRoomMembership(clock);
    const janitor = new ConnectionJanitor({
      connections: new InMemoryConnectionRegistry(clock),
      memberships,
      clock,
    });
    const rooms = Array.from({ length: 30 }, (_, i) => `room-${i}`);
    for (const room of rooms) {
      await memberships.add({
        room,
        connectionId: 'c-busy',
        userId: 'busy',
        displayName: 'Busy',
        joinedAt: 0,
        expiresAt: 10_000,
      });
    }
    let inFlight = 0;
    let mostInFlight = 0;
    const announced: string[] = [];
    const pending: (() => void)[] = [];
    const announcer = {
      left: async (room: string) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise<void>((resolve) => pending.push(resolve));
        inFlight -= 1;
        announced.push(room);
        return undefined;
      },
    } as unknown as MembershipAnnouncer;
    const disconnect = new Disconnect({ janitor, announcer });

    const done = disconnect.execute('c-busy');
    while (announced.length < rooms.length) {
      await new Promise((resolve) => setImmediate(resolve));
      pending.splice(0).forEach((resolve) => resolve());
    }
    const { roomsLeft } = await done;

    expect(mostInFlight).toBe(DISCONNECT_ANNOUNCE_CONCURRENCY);
    expect(announced.sort()).toEqual([...rooms].sort());
    expect(roomsLeft.sort()).toEqual([...rooms].sort());
  });

  it('cleans up memberships even after the connection record expired', async () => {
    const h = chatHarness();
    await h.connect('bob', 'c-bob');
    h.clock.advance(h.policy.connectionTtlMs + 1);

    await h.chat.disconnect.execute('c-bob');

    expect(h.memberships.stored()).toEqual([]);
    expect(h.connections.stored()).toEqual([]);
  });
});

describe('ConnectionJanitor', () => {
  function janitorAt(now: number) {
    const clock = new ManualClock(now);
    const connections = new InMemoryConnectionRegistry(clock);
    const memberships = new InMemoryRoomMembership(clock);
    const janitor = new ConnectionJanitor({ connections, memberships, clock, graceMs: 1_000 });
    return { clock, connections, memberships, janitor };
  }
  const record = {
    connectionId: 'c-1',
    userId: 'ada',
    displayName: 'Ada',
    connectedAt: 0,
    expiresAt: 99_999,
  };

  it('says whether it purged a gone connection: not within the handshake grace, then yes', async () => {
    const { clock, connections, janitor } = janitorAt(999);
    await connections.register(record);
    expect(await janitor.purgeGone('c-1')).toBe(false);
    expect(await connections.find('c-1')).toBeDefined();
    clock.advance(1);
    expect(await janitor.purgeGone('c-1')).toBe(true);
    expect(await connections.find('c-1')).toBeUndefined();
    // A connection with no record left is purged too: its memberships may remain.
    expect(await janitor.purgeGone('c-unknown')).toBe(true);
  });

  it('returns only the memberships it removed, not rooms another purge emptied first', async () => {
    const { connections, memberships, janitor } = janitorAt(5_000);
    await connections.register(record);
    const membership = {
      connectionId: 'c-1',
      userId: 'ada',
      displayName: 'Ada',
      joinedAt: 0,
      expiresAt: 99_999,
    };
    await memberships.add({ ...membership, room: 'kept' });
    await memberships.add({ ...membership, room: 'raced' });
    // Another purge removes one membership between the room listing and its removal.
    const roomsOf = memberships.roomsOf.bind(memberships);
    memberships.roomsOf = async (connectionId) => {
      const rooms = await roomsOf(connectionId);
      await memberships.remove('raced', connectionId);
      return rooms;
    };
    const removed = await janitor.purge('c-1');
    expect(removed.map((m) => m.room)).toEqual(['kept']);
  });
});
