// Client SDK against the scripted fake server: every room and direct message reaches the application
// exactly once and in order, across reconnects, duplicates, reordering and lost live events.

import { describe, expect, it } from '@jest/globals';
import { connected, harness, otherMember, settle } from './support/harness.js';

const texts = (from: number, to: number, room = 'general') =>
  Array.from({ length: to - from + 1 }, (_, i) => `${room}:${from + i}:m${from + i}`);

describe('joining a room', () => {
  it('delivers the recent messages in order, then live ones, and resolves with the members', async () => {
    const h = harness({ recentMessages: 3 });
    await connected(h);
    for (let i = 1; i <= 5; i += 1) h.server.post('general', 'bob', `m${i}`);

    const snapshot = await h.client.joinRoom('general');
    h.server.post('general', 'bob', 'm6');
    await settle();

    expect(snapshot.members.map((m) => m.userId)).toEqual(['ada']);
    expect(h.messages).toEqual(texts(3, 6));
    expect(h.sources).toEqual(['history', 'history', 'history', 'live']);
  });

  it('starts after the newest message when no recent ones are wanted', async () => {
    const h = harness({ recentMessages: 0 });
    await connected(h);
    h.server.post('general', 'bob', 'm1');
    await h.client.joinRoom('general');
    h.server.post('general', 'bob', 'm2');
    await settle();
    expect(h.messages).toEqual(texts(2, 2));
  });

  it('resumes from a sequence number the application kept (e.g. across a page reload)', async () => {
    const h = harness();
    await connected(h);
    for (let i = 1; i <= 4; i += 1) h.server.post('general', 'bob', `m${i}`);
    await h.client.joinRoom('general', { since: 2 });
    expect(h.server.last.sent.find((f) => f['action'] === 'join')).toMatchObject({ since: 2 });
    expect(h.messages).toEqual(texts(3, 4));
  });

  it('ignores messages of rooms it does not follow, and stops after leaving', async () => {
    const h = harness();
    await connected(h);
    await h.client.joinRoom('general');
    h.server.post('lobby', 'bob', 'in the lobby');
    await h.client.leaveRoom('general');
    h.server.post('general', 'bob', 'after leaving');
    await settle();
    expect(h.messages).toEqual([]);
    expect(h.server.last.rooms.has('general')).toBe(false);
    expect(h.client.joinedRooms()).toEqual([]);
  });

  it('rejects the join with the service error and stops following an invalid room', async () => {
    const h = harness();
    await connected(h);
    await expect(h.client.joinRoom('-nope')).rejects.toMatchObject({ code: 'invalid_room' });
    expect(h.client.joinedRooms()).toEqual([]);
  });

  it('joins rooms asked for before connecting once connected', async () => {
    const h = harness();
    const joined = h.client.joinRoom('general');
    h.client.connect();
    await expect(joined).resolves.toMatchObject({ room: 'general' });
  });
});

describe('resuming after a reconnect', () => {
  it('stops following a room this user was removed from, so a reconnect does not join it again', async () => {
    const h = harness();
    await connected(h);
    await h.client.joinRoom('general');
    await h.client.joinRoom('random');
    const removed: unknown[] = [];
    h.client.on('removed', (event) => removed.push(event));

    h.server.last.push({ type: 'removed', room: 'general', banned: true });
    await settle();
    expect(removed).toEqual([{ type: 'removed', room: 'general', banned: true }]);
    expect(h.client.joinedRooms()).toEqual(['random']);

    h.server.last.drop();
    await h.clock.advanceAndSettle(100);
    const rejoined = h.server.last.sent.filter((f) => f['action'] === 'join').map((f) => f['room']);
    expect(rejoined).toContain('random');
    expect(rejoined).not.toContain('general');
  });

  it('rejoins with since, delivers missed messages and pages on with history: no gap, no duplicate', async () => {
    const h = harness({}, { missedLimit: 2, pageLimit: 2 });
    await connected(h);
    await h.client.joinRoom('general');
    for (let i = 1; i <= 3; i += 1) h.server.post('general', 'bob', `m${i}`);
    await settle();

    h.server.last.drop();
    for (let i = 4; i <= 10; i += 1) h.server.post('general', 'bob', `m${i}`);
    await h.clock.advanceAndSettle(100);
    h.server.post('general', 'bob', 'm11');
    await settle();

    expect(h.messages).toEqual(texts(1, 11));
    const resumed = h.server.last.sent;
    expect(resumed.find((f) => f['action'] === 'join')).toMatchObject({ room: 'general', since: 3 });
    expect(resumed.filter((f) => f['action'] === 'history').map((f) => f['after'])).toEqual([5, 7, 9]);
    expect(h.sources.slice(3, 10)).toEqual(Array(7).fill('missed'));
  });

  it('drops live copies of messages the catch-up already delivered, and the other way round', async () => {
    const h = harness();
    await connected(h);
    await h.client.joinRoom('general');
    h.server.post('general', 'bob', 'm1');
    await settle();
    h.server.last.drop();
    h.server.post('general', 'bob', 'm2');
    // Hold the join reply until a live message arrives on the new connection first.
    let held: (() => void) | undefined;
    h.server.intercept = (socket, frame) => {
      if (frame['action'] !== 'join' || held !== undefined) return false;
      held = () => {
        h.server.intercept = undefined;
        h.server.receive(socket, frame);
      };
      return true;
    };
    await h.clock.advanceAndSettle(100);
    h.server.last.rooms.add('general');
    h.server.post('general', 'bob', 'm3');
    await settle();
    held?.();
    await settle();
    // And a repeated live event.
    const again = h.server.rooms.get('general')?.messages[2];
    if (again !== undefined) h.server.last.push({ ...again });
    await settle();

    expect(h.messages).toEqual(texts(1, 3));
  });

  it('resumes every followed room, each from its own sequence number', async () => {
    const h = harness();
    await connected(h);
    await h.client.joinRoom('a');
    await h.client.joinRoom('b');
    h.server.post('a', 'bob', 'a1');
    h.server.post('b', 'bob', 'b1');
    h.server.post('b', 'bob', 'b2');
    await settle();
    h.server.last.drop();
    h.server.post('a', 'bob', 'a2');
    await h.clock.advanceAndSettle(100);

    const joins = h.server.last.sent.filter((f) => f['action'] === 'join');
    expect(joins.map((f) => [f['room'], f['since']])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(h.messages).toEqual(['a:1:a1', 'b:1:b1', 'b:2:b2', 'a:2:a2']);
  });
});

describe('ordering live delivery', () => {
  it('holds an early message until the one before it arrives', async () => {
    const h = harness();
    await connected(h);
    await h.client.joinRoom('general');
    const socket = h.server.last;
    const held: Record<string, unknown>[] = [];
    h.server.deliverLive = (_s, event) => {
      held.push(event);
      return false;
    };
    h.server.post('general', 'bob', 'm1');
    h.server.post('general', 'bob', 'm2');
    socket.push(held[1] as Record<string, unknown>);
    await settle();
    expect(h.messages).toEqual([]);
    socket.push(held[0] as Record<string, unknown>);
    await settle();
    expect(h.messages).toEqual(texts(1, 2));
    expect(socket.sent.filter((f) => f['action'] === 'history')).toHaveLength(1);
  });

  it('fetches a message lost in live delivery once it has waited long enough', async () => {
    const h = harness({ gapWaitMs: 1_000 });
    await connected(h);
    await h.client.joinRoom('general');
    h.server.deliverLive = (_s, event) => event['seq'] !== 2;
    for (let i = 1; i <= 4; i += 1) h.server.post('general', 'bob', `m${i}`);
    await settle();
    expect(h.messages).toEqual(texts(1, 1));

    await h.clock.advanceAndSettle(1_000);

    expect(h.messages).toEqual(texts(1, 4));
    expect(h.server.last.sent.at(-1)).toMatchObject({
      action: 'history',
      room: 'general',
      after: 1,
      before: 3,
    });
  });

  it('moves past messages that no longer exist (expired) instead of waiting for ever', async () => {
    const h = harness({ gapWaitMs: 500 });
    await connected(h);
    await h.client.joinRoom('general');
    h.server.post('general', 'bob', 'm1');
    h.server.deliverLive = (_s, event) => event['seq'] !== 2;
    h.server.post('general', 'bob', 'm2');
    h.server.post('general', 'bob', 'm3');
    h.server.rooms.get('general')?.messages.splice(1, 1);
    await h.clock.advanceAndSettle(500);
    expect(h.messages).toEqual(['general:1:m1', 'general:3:m3']);
  });
});

describe('direct messages', () => {
  it('opens a conversation when a message arrives, with its recent history, then live, in order', async () => {
    const h = harness({ recentMessages: 2 });
    await connected(h);
    h.server.deliverLive = () => false;
    h.server.postDirect('bob', 'ada', 'd1');
    h.server.postDirect('bob', 'ada', 'd2');
    h.server.postDirect('bob', 'ada', 'd3');
    h.server.deliverLive = undefined;
    h.server.postDirect('bob', 'ada', 'd4');
    await settle();
    expect(h.directs).toEqual(['bob:3:d3', 'bob:4:d4']);
  });

  it("includes the client's own sends, and resumes the conversation after a reconnect", async () => {
    const h = harness();
    await connected(h);
    await h.client.openDirect('bob');
    const ack = await h.client.sendDirect('bob', 'hi Bob');
    h.server.postDirect('bob', 'ada', 'hi Ada');
    await settle();
    h.server.last.drop();
    h.server.postDirect('bob', 'ada', 'while you were away');
    await h.clock.advanceAndSettle(100);

    expect(ack).toMatchObject({ seq: 1, duplicate: false });
    expect(h.directs).toEqual(['bob:1:hi Bob', 'bob:2:hi Ada', 'bob:3:while you were away']);
    expect(h.server.last.sent.find((f) => f['action'] === 'history')).toMatchObject({
      with: 'bob',
      after: 2,
    });
  });

  it("delivers messages from the user's other devices once", async () => {
    const h = harness();
    await connected(h);
    await h.client.openDirect('bob');
    const other = new h.server.WebSocket('wss://chat.example/prod?token=ada');
    await settle();
    other.send(JSON.stringify({ action: 'sendDirect', to: 'bob', text: 'from my phone', clientMsgId: 'p1' }));
    await settle();
    expect(h.directs).toEqual(['bob:1:from my phone']);
  });
});

describe('presence', () => {
  it('keeps the member list of a joined room from the snapshot, arrivals and departures', async () => {
    const h = harness();
    const lists: string[][] = [];
    h.client.on('presence', (snapshot) => lists.push(snapshot.members.map((m) => m.userId)));
    await connected(h);
    await h.client.joinRoom('general');

    const bob = await otherMember(h, 'bob', 'general');
    expect(h.client.members('general').map((m) => m.userId)).toEqual(['ada', 'bob']);
    bob.close();
    await settle();

    expect(lists).toEqual([['ada'], ['ada', 'bob'], ['ada']]);
    const snapshot = await h.client.presence('general');
    expect(snapshot.members).toEqual([
      { userId: 'ada', displayName: 'ada', connections: 1, status: 'available' },
    ]);
  });

  it('keeps a newcomer’s status change that arrives before their arrival, and applies it then', async () => {
    const h = harness();
    await connected(h);
    await h.client.joinRoom('general');
    const cy = { userId: 'cy', displayName: 'cy' };
    const ada = h.server.last;

    // Broadcasts from different invocations: Cy's status change overtakes Cy's arrival.
    ada.push({ type: 'status_changed', room: 'general', user: cy, status: 'away', statusText: 'lunch' });
    ada.push({ type: 'status_changed', room: 'general', user: cy, status: 'busy', statusText: 'in a call' });
    await settle();
    expect(h.client.members('general').map((m) => m.userId)).toEqual(['ada']);
    ada.push({ type: 'member_joined', room: 'general', user: cy });
    await settle();

    expect(h.client.members('general').find((m) => m.userId === 'cy')).toEqual({
      ...cy,
      connections: 1,
      status: 'busy',
      statusText: 'in a call',
    });
    // Once listed, later changes apply as they come.
    ada.push({ type: 'status_changed', room: 'general', user: cy, status: 'available' });
    await settle();
    expect(h.client.members('general').find((m) => m.userId === 'cy')?.status).toBe('available');
  });

  it('keeps an arrival that comes before the join’s reply, whose snapshot was read before it', async () => {
    const h = harness();
    await connected(h);
    const bob = { userId: 'bob', displayName: 'bob' };
    h.server.intercept = (socket, frame) => {
      // Bob's join lands after Ada's snapshot was read, and its announcement overtakes Ada's reply.
      if (frame['action'] === 'join') {
        socket.push({ type: 'member_joined', room: 'general', user: bob });
        socket.push({ type: 'status_changed', room: 'general', user: bob, status: 'away' });
      }
      return false;
    };

    await h.client.joinRoom('general');

    expect(h.client.members('general')).toEqual([
      { userId: 'ada', displayName: 'ada', connections: 1, status: 'available' },
      { ...bob, connections: 1, status: 'away' },
    ]);
  });

  it('keeps a departure that comes before a member list read before it', async () => {
    const h = harness();
    await connected(h);
    await h.client.joinRoom('general');
    const bob = await otherMember(h, 'bob', 'general');
    h.server.intercept = (socket, frame) => {
      // Bob leaves after Ada's list was read, and the news overtakes the list.
      if (frame['action'] === 'presence') {
        const stale = { type: 'presence', room: 'general', ...h.server.snapshot('general') };
        bob.close();
        setTimeout(() => socket.push({ ...stale, requestId: frame['requestId'] }), 0);
        return true;
      }
      return false;
    };

    await h.client.presence('general');

    expect(h.client.members('general').map((m) => m.userId)).toEqual(['ada']);
  });

  it('passes typing signals on, and sends its own only while connected', async () => {
    const h = harness();
    const typing: string[] = [];
    h.client.on('typing', (event) => typing.push(`${event.user.userId}:${event.isTyping}`));
    await connected(h);
    await h.client.joinRoom('general');
    const bob = await otherMember(h, 'bob', 'general');
    bob.send(JSON.stringify({ action: 'typing', room: 'general', isTyping: true }));
    h.client.typing('general');
    await settle();
    expect(typing).toEqual(['bob:true']);
    expect(h.server.last.sent.at(-1)).toEqual({ action: 'typing', room: 'general', isTyping: true });

    h.server.sockets[0]?.drop();
    await settle();
    const written = h.server.sockets.reduce((n, s) => n + s.sent.length, 0);
    h.client.typing('general', false);
    expect(h.server.sockets.reduce((n, s) => n + s.sent.length, 0)).toBe(written);
  });
});
