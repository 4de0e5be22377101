// Unit: $connect records the connection and joins the lobby; $disconnect forgets everything about it.

import { describe, expect, it } from '@jest/globals';
import { chatHarness } from '../support/chat-harness.js';

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

  it('cleans up memberships even after the connection record expired', async () => {
    const h = chatHarness();
    await h.connect('bob', 'c-bob');
    h.clock.advance(h.policy.connectionTtlMs + 1);

    await h.chat.disconnect.execute('c-bob');

    expect(h.memberships.stored()).toEqual([]);
    expect(h.connections.stored()).toEqual([]);
  });
});
