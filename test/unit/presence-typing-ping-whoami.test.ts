// Unit: presence snapshots, typing signals, keepalive pings and whoami.

import { describe, expect, it } from '@jest/globals';
import { chatHarness } from '../support/chat-harness.js';

describe('presence', () => {
  it('lists each user once with their connection count, for members only', async () => {
    const h = chatHarness();
    const alice = await h.connect('alice', 'c-alice', 'Alice');
    await h.connect('bob', 'c-bob-1', 'Bob');
    await h.connect('bob', 'c-bob-2', 'Bob');

    const presence = await h.chat.presence.execute(alice, {
      action: 'presence',
      room: 'lobby',
      requestId: 'p',
    });

    expect(presence).toEqual({
      type: 'presence',
      room: 'lobby',
      requestId: 'p',
      truncated: false,
      members: [
        { userId: 'alice', displayName: 'Alice', connections: 1, status: 'available' },
        { userId: 'bob', displayName: 'Bob', connections: 2, status: 'available' },
      ],
    });
    expect(h.notifier.ofType('c-alice', 'presence')).toEqual([presence]);
    await expect(
      h.chat.presence.execute(alice, { action: 'presence', room: 'elsewhere' }),
    ).rejects.toMatchObject({
      code: 'not_a_member',
    });
  });

  it('drops a user once their last connection disconnects', async () => {
    const h = chatHarness();
    const alice = await h.connect('alice', 'c-alice');
    await h.connect('bob', 'c-bob');
    await h.chat.disconnect.execute('c-bob');

    const presence = await h.chat.presence.execute(alice, { action: 'presence', room: 'lobby' });

    expect(presence.members.map((m) => m.userId)).toEqual(['alice']);
  });

  it('orders users by display name, whatever order their ids come in', async () => {
    const h = chatHarness();
    const first = await h.connect('a-user', 'c-a', 'Zoe');
    await h.connect('b-user', 'c-b', 'Amy');
    await h.connect('c-user', 'c-c', 'Max');

    const presence = await h.chat.presence.execute(first, { action: 'presence', room: 'lobby' });

    expect(presence.members.map((m) => m.displayName)).toEqual(['Amy', 'Max', 'Zoe']);
  });

  it('shows the latest status of a user whose tabs’ copies disagree, whichever tab is listed first', async () => {
    const h = chatHarness();
    const ada = await h.connect('ada', 'c-ada-1', 'Ada');
    await h.connect('ada', 'c-ada-2', 'Ada');
    await h.connect('bob', 'c-bob-1', 'Bob');
    await h.connect('bob', 'c-bob-2', 'Bob');
    const at = h.clock.now();
    // As a lost or interleaved write leaves them: Ada's first tab has the later copy, Bob's second.
    await h.memberships.setStatus('lobby', 'c-ada-1', { status: 'busy', text: 'later', changedAt: at + 2 });
    await h.memberships.setStatus('lobby', 'c-ada-2', { status: 'away', text: 'earlier', changedAt: at + 1 });
    await h.memberships.setStatus('lobby', 'c-bob-1', { status: 'away', text: 'earlier', changedAt: at + 1 });
    await h.memberships.setStatus('lobby', 'c-bob-2', { status: 'busy', text: 'later', changedAt: at + 2 });

    const presence = await h.chat.presence.execute(ada, { action: 'presence', room: 'lobby' });

    expect(presence.members).toStrictEqual([
      { userId: 'ada', displayName: 'Ada', connections: 2, status: 'busy', statusText: 'later' },
      { userId: 'bob', displayName: 'Bob', connections: 2, status: 'busy', statusText: 'later' },
    ]);
  });

  it('leaves out the status text of a user who has none', async () => {
    const h = chatHarness();
    const ada = await h.connect('ada', 'c-ada', 'Ada');
    await h.chat.setStatus.execute(ada, { action: 'setStatus', status: 'away' });

    const presence = await h.chat.presence.execute(ada, { action: 'presence', room: 'lobby' });

    expect(presence.members).toStrictEqual([
      { userId: 'ada', displayName: 'Ada', connections: 1, status: 'away' },
    ]);
  });
});

describe('typing', () => {
  it('signals the other connections in the room and stores nothing', async () => {
    const h = chatHarness();
    const alice = await h.connect('alice', 'c-alice', 'Alice');
    await h.connect('bob', 'c-bob');
    h.notifier.clear();

    await h.chat.typing.execute(alice, { action: 'typing', room: 'lobby', isTyping: false });

    expect(h.notifier.ofType('c-bob', 'typing')).toEqual([
      { type: 'typing', room: 'lobby', user: { userId: 'alice', displayName: 'Alice' }, isTyping: false },
    ]);
    expect(h.notifier.eventsOf('c-alice')).toEqual([]);
    expect(h.messages.stored({ kind: 'room', room: 'lobby' })).toEqual([]);
  });

  it('refuses a room the caller is not in', async () => {
    const h = chatHarness();
    const alice = await h.connect('alice', 'c-alice');
    await expect(
      h.chat.typing.execute(alice, { action: 'typing', room: 'x', isTyping: true }),
    ).rejects.toMatchObject({
      code: 'not_a_member',
    });
  });
});

describe('ping and whoami', () => {
  it('answers a ping with a pong carrying the server time', async () => {
    const h = chatHarness();
    const alice = await h.connect('alice', 'c-alice');
    h.clock.advance(5_000);

    await h.chat.ping.execute(alice, { action: 'ping', requestId: 'k' });

    expect(h.notifier.ofType('c-alice', 'pong')).toEqual([
      { type: 'pong', serverTime: h.clock.now(), requestId: 'k' },
    ]);
  });

  it('tells the caller its connection, identity and management endpoint', async () => {
    const h = chatHarness();
    const alice = await h.connect('alice', 'c-alice', 'Alice');

    await h.chat.whoami.execute(
      { ...alice, managementEndpoint: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod' },
      { action: 'whoami' },
    );

    expect(h.notifier.ofType('c-alice', 'whoami')).toEqual([
      {
        type: 'whoami',
        connectionId: 'c-alice',
        user: { userId: 'alice', displayName: 'Alice' },
        connectedAt: alice.connectedAt,
        endpoint: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod',
      },
    ]);
  });
});
