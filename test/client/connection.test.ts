// Client SDK against the scripted fake server: connecting, reconnecting with backoff, keepalive, the
// planned reconnect before API Gateway's 2-hour limit, and closing.

import { describe, expect, it } from '@jest/globals';
import { backoffDelay, RoomcastClient } from '../../src/client/index.js';
import { connected, harness, settle } from './support/harness.js';

describe('connecting', () => {
  it('passes the token in the query string, reports connecting then open, and learns its identity', async () => {
    const h = harness();
    const identities: string[] = [];
    h.client.on('identity', (me) => identities.push(me.user.userId));

    await connected(h);

    expect(h.server.last.url).toBe('wss://chat.example/prod?token=ada');
    expect(h.states).toEqual(['connecting', 'open']);
    expect(identities).toEqual(['ada']);
    expect(h.client.identity).toEqual({ userId: 'ada', displayName: 'ada' });
  });

  it('asks a token function before every attempt and adds extra query parameters', async () => {
    let issued = 0;
    const h = harness({
      token: async () => `t${(issued += 1)}`,
      query: { name: 'Ada Lovelace' },
      url: 'ws://localhost:3001/local',
    });
    await connected(h);
    h.server.last.drop();
    await h.clock.advanceAndSettle(1_000);

    expect(h.server.sockets.map((s) => s.url)).toEqual([
      'ws://localhost:3001/local?name=Ada+Lovelace&token=t1',
      'ws://localhost:3001/local?name=Ada+Lovelace&token=t2',
    ]);
  });

  it('works without a token (anonymous mode) and without any query', async () => {
    const h = harness({ token: undefined, url: 'ws://localhost:3001/local' });
    h.client.connect();
    await settle();
    expect(h.server.last.url).toBe('ws://localhost:3001/local');
  });

  it('says what to do when there is no WebSocket to use', () => {
    const client = new RoomcastClient({ url: 'ws://x' });
    const previous = (globalThis as { WebSocket?: unknown }).WebSocket;
    delete (globalThis as { WebSocket?: unknown }).WebSocket;
    try {
      expect(() => client.connect()).toThrow(/pass one in the options/);
      expect(client.state).toBe('closed');
    } finally {
      if (previous !== undefined) (globalThis as { WebSocket?: unknown }).WebSocket = previous;
      client.close();
    }
  });
});

describe('reconnecting', () => {
  it('retries refused handshakes with exponential backoff, jittered and capped, then resets it', async () => {
    const h = harness({ reconnect: { initialDelayMs: 100, maxDelayMs: 500, factor: 2 } });
    const delays: number[] = [];
    h.server.refuse = 5;
    h.client.connect();
    await settle();
    while (h.client.state !== 'open') {
      const next = h.clock.pendingDelays()[0] ?? 0;
      delays.push(next);
      await h.clock.advanceAndSettle(next);
    }
    // random() = 0.5: each delay is 3/4 of the exponential step (half fixed, half jittered).
    expect(delays).toEqual([75, 150, 300, 375, 375]);
    expect(h.server.sockets).toHaveLength(6);
    expect(h.states).toEqual(['connecting', 'open']);

    h.server.last.drop();
    await settle();
    expect(h.states.at(-1)).toBe('reconnecting');
    expect(h.clock.pendingDelays()).toContain(75);
  });

  it('spreads clients out: the delay depends on the random draw', () => {
    const options = { initialDelayMs: 1_000, maxDelayMs: 30_000 };
    expect(backoffDelay(0, options, () => 0)).toBe(500);
    expect(backoffDelay(0, options, () => 0.99)).toBe(995);
    expect(backoffDelay(3, options, () => 0)).toBe(4_000);
    expect(backoffDelay(20, options, () => 0)).toBe(15_000);
  });

  it('shows reconnecting while the connection is down and open again once rooms are rejoined', async () => {
    const h = harness();
    await connected(h);
    await h.client.joinRoom('general');
    h.server.last.drop(1006);
    await settle();
    expect(h.client.state).toBe('reconnecting');

    await h.clock.advanceAndSettle(100);

    expect(h.client.state).toBe('open');
    expect(h.states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    expect(h.server.last.rooms.has('general')).toBe(true);
  });

  it('reconnects after a clean close by the server too (idle timeout, 2-hour limit)', async () => {
    const h = harness();
    await connected(h);
    h.server.last.drop(1001, 'Going away');
    await h.clock.advanceAndSettle(100);
    expect(h.server.openSockets).toHaveLength(1);
    expect(h.client.state).toBe('open');
  });

  it('gives up on a handshake that hangs and tries again', async () => {
    const h = harness({ connectTimeoutMs: 2_000 });
    h.server.autoOpen = false;
    h.client.connect();
    await settle();
    await h.clock.advanceAndSettle(2_000);
    expect(h.server.sockets[0]?.closedBy).toBe('client');
    h.server.autoOpen = true;
    await h.clock.advanceAndSettle(100);
    expect(h.client.state).toBe('open');
    expect(h.server.sockets).toHaveLength(2);
  });

  it('replaces a connection that stops answering, found by an unanswered ping', async () => {
    const h = harness({ keepaliveMs: 60_000, requestTimeoutMs: 5_000 });
    await connected(h);
    const first = h.server.last;
    h.server.intercept = (socket) => socket === first;

    await h.clock.advanceAndSettle(60_000);
    expect(first.sent.at(-1)).toMatchObject({ action: 'ping' });
    await h.clock.advanceAndSettle(5_000);

    expect(first.closedBy).toBe('client');
    await h.clock.advanceAndSettle(100);
    expect(h.client.state).toBe('open');
    expect(h.server.openSockets).toEqual([h.server.last]);
  });
});

describe('keepalive', () => {
  it('pings after a quiet spell below the idle timeout, and not while the client is sending', async () => {
    const h = harness({ keepaliveMs: 5 * 60_000 });
    await connected(h);
    await h.client.joinRoom('general');
    const socket = h.server.last;
    const pings = () => socket.sent.filter((f) => f['action'] === 'ping').length;

    for (let i = 0; i < 5; i += 1) {
      await h.clock.advanceAndSettle(4 * 60_000);
      await h.client.send('general', `still here ${i}`);
    }
    expect(pings()).toBe(0);

    await h.clock.advanceAndSettle(5 * 60_000);
    expect(pings()).toBe(1);
    await h.clock.advanceAndSettle(5 * 60_000);
    expect(pings()).toBe(2);
    expect(h.client.state).toBe('open');
  });
});

describe('the planned reconnect before the 2-hour limit', () => {
  it('opens the new connection, catches it up, then closes the old one, without leaving open', async () => {
    const h = harness({ maxConnectionAgeMs: 110 * 60_000, keepaliveMs: 60 * 60_000 });
    await connected(h);
    await h.client.joinRoom('general');
    h.server.post('general', 'bob', 'one');
    await settle();
    const old = h.server.last;

    // The new connection is slow to open; meanwhile traffic goes on over the old one.
    h.server.autoOpen = false;
    await h.clock.advanceAndSettle(110 * 60_000);
    const fresh = h.server.last;
    expect(fresh).not.toBe(old);
    h.server.post('general', 'bob', 'two');
    const during = h.client.send('general', 'sent during the switch');
    await settle();
    fresh.open();
    await settle();

    expect(fresh.sent[0]).toMatchObject({ action: 'whoami' });
    expect(fresh.sent[1]).toMatchObject({ action: 'join', room: 'general', since: 3 });
    expect(old.closedBy).toBe('client');
    expect(old.closeCode).toBe(1000);
    expect(await during).toMatchObject({ seq: 3 });
    h.server.post('general', 'bob', 'three');
    await settle();

    expect(h.states).toEqual(['connecting', 'open']);
    expect(h.messages).toEqual([
      'general:1:one',
      'general:2:two',
      'general:3:sent during the switch',
      'general:4:three',
    ]);
  });

  it('falls back to an ordinary reconnect when the old connection dies during the switch', async () => {
    const h = harness({ maxConnectionAgeMs: 1_000, keepaliveMs: 60 * 60_000 });
    await connected(h);
    await h.client.joinRoom('general');
    h.server.autoOpen = false;
    const old = h.server.last;
    await h.clock.advanceAndSettle(1_000);
    old.drop(1001);
    await settle();
    expect(h.client.state).toBe('reconnecting');
    h.server.last.open();
    await settle();
    expect(h.client.state).toBe('open');
    expect(h.server.openSockets).toEqual([h.server.last]);
  });

  it('tries again later when the replacement cannot connect, keeping the old connection meanwhile', async () => {
    const h = harness({ maxConnectionAgeMs: 1_000, keepaliveMs: 60 * 60_000 });
    await connected(h);
    h.server.refuse = 1;
    await h.clock.advanceAndSettle(1_000);
    expect(h.server.sockets).toHaveLength(2);
    expect(h.server.openSockets).toEqual([h.server.sockets[0]]);
    await h.clock.advanceAndSettle(100);
    expect(h.server.sockets).toHaveLength(3);
    expect(h.server.openSockets).toEqual([h.server.sockets[2]]);
    expect(h.states).toEqual(['connecting', 'open']);
  });
});

describe('closing', () => {
  it('fails pending requests with closed, closes the socket cleanly and stays closed', async () => {
    const h = harness();
    await connected(h);
    h.server.intercept = () => true;
    const ping = h.client.ping();
    await settle();
    h.client.close();

    await expect(ping).rejects.toMatchObject({ name: 'RoomcastError', code: 'closed' });
    expect(h.server.last.closeCode).toBe(1000);
    expect(h.client.state).toBe('closed');
    await h.clock.advanceAndSettle(60 * 60_000);
    expect(h.server.sockets).toHaveLength(1);
    await expect(h.client.send('lobby', 'late')).rejects.toMatchObject({ code: 'closed' });
  });

  it('connects again after close, rejoining the rooms it followed', async () => {
    const h = harness();
    await connected(h);
    await h.client.joinRoom('general');
    h.client.close();
    await connected(h);
    expect(h.server.last.rooms.has('general')).toBe(true);
  });
});

describe('closing while a token is being fetched', () => {
  it('does not let an attempt begun before close() open a connection after it', async () => {
    let release: ((token: string) => void) | undefined;
    const h = harness({
      token: () => new Promise<string>((resolve) => (release ??= resolve)),
    });
    h.client.connect();
    await settle();
    h.client.close();
    h.client.connect();
    await settle();
    release?.('ada');
    await settle();
    expect(h.server.openSockets).toHaveLength(0);
    expect(h.client.state).toBe('connecting');
  });
});
