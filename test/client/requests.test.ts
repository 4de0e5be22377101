// Client SDK against the scripted fake server: requests matched to replies by requestId, sends settled
// by their ack, typed errors and timeouts, and retries that reuse the clientMsgId.

import { describe, expect, it } from '@jest/globals';
import { RoomcastError } from '../../src/client/index.js';
import { connected, harness, loseNextSendAck, settle } from './support/harness.js';

describe('sending', () => {
  it('resolves with the ack matched by requestId, and the message comes back in room order', async () => {
    const h = harness();
    await connected(h);
    await h.client.joinRoom('general');

    const [first, second] = await Promise.all([
      h.client.send('general', 'one'),
      h.client.send('general', 'two'),
    ]);
    await settle();

    expect(first).toMatchObject({ type: 'ack', room: 'general', seq: 1, duplicate: false });
    expect(second).toMatchObject({ seq: 2 });
    const frames = h.server.last.sent.filter((f) => f['action'] === 'sendMessage');
    expect(new Set(frames.map((f) => f['requestId'])).size).toBe(2);
    expect(frames.map((f) => f['clientMsgId'])).toEqual([first.clientMsgId, second.clientMsgId]);
    expect(h.messages).toEqual(['general:1:one', 'general:2:two']);
  });

  it('rejects with a typed error carrying the service code, details and the clientMsgId', async () => {
    const h = harness();
    await connected(h);
    await h.client.joinRoom('general');

    const failure = await h.client.send('general', 'x'.repeat(4001)).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(RoomcastError);
    expect(failure).toMatchObject({ code: 'message_too_large', details: { maxTextChars: 4000 } });
    expect((failure as RoomcastError).clientMsgId).toMatch(/^[A-Za-z0-9_.:-]{1,64}$/);
    await expect(h.client.send('elsewhere', 'hi')).rejects.toMatchObject({ code: 'not_a_member' });
  });

  it('rejects with timeout when no reply comes, and a retry with the same clientMsgId is no duplicate', async () => {
    const h = harness({ requestTimeoutMs: 10_000 });
    await connected(h);
    await h.client.joinRoom('general');
    // The service stores the message but its ack is lost.
    loseNextSendAck(h);

    const sending = h.client.send('general', 'are you there?');
    await h.clock.advanceAndSettle(10_000);
    const failure = (await sending.catch((e: unknown) => e)) as RoomcastError;
    expect(failure).toMatchObject({ code: 'timeout' });

    const retry = await h.client.send('general', 'are you there?', { clientMsgId: failure.clientMsgId });
    await settle();

    expect(retry).toMatchObject({ seq: 1, duplicate: true });
    expect(h.messages).toEqual(['general:1:are you there?']);
    expect(h.server.rooms.get('general')?.messages).toHaveLength(1);
  });

  it('writes unanswered sends again after a reconnect, with the same clientMsgId, resolving once', async () => {
    const h = harness();
    await connected(h);
    await h.client.joinRoom('general');
    // The first attempt is stored, then the connection drops before the ack leaves.
    loseNextSendAck(h, { drop: true });
    const sending = h.client.send('general', 'hello');
    await settle();
    expect(h.client.state).toBe('reconnecting');

    await h.clock.advanceAndSettle(100);

    await expect(sending).resolves.toMatchObject({ seq: 1, duplicate: true });
    const attempts = h.server.sockets.flatMap((s) => s.sent.filter((f) => f['action'] === 'sendMessage'));
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.['clientMsgId']).toBe(attempts[1]?.['clientMsgId']);
    expect(h.messages).toEqual(['general:1:hello']);
  });

  it('queues sends while disconnected and writes them once the room is joined again', async () => {
    const h = harness();
    await connected(h);
    await h.client.joinRoom('general');
    h.server.last.drop();
    await settle();

    const queued = h.client.send('general', 'written offline');
    await h.clock.advanceAndSettle(100);

    await expect(queued).resolves.toMatchObject({ seq: 1 });
    const actions = h.server.last.sent.map((f) => f['action']);
    expect(actions.indexOf('sendMessage')).toBeGreaterThan(actions.indexOf('join'));
  });

  it('waits for a join in progress before sending to that room', async () => {
    const h = harness();
    await connected(h);
    // The service runs frames concurrently: a send overtaking its join would fail with not_a_member.
    let release: (() => void) | undefined;
    h.server.intercept = (socket, frame) => {
      if (frame['action'] !== 'join') return false;
      h.server.intercept = undefined;
      release = () => h.server.receive(socket, frame);
      return true;
    };
    const joining = h.client.joinRoom('general');
    const sending = h.client.send('general', 'right away');
    await settle();
    expect(h.server.last.sent.map((f) => f['action'])).not.toContain('sendMessage');

    release?.();

    await expect(sending).resolves.toMatchObject({ seq: 1 });
    await expect(joining).resolves.toMatchObject({ room: 'general' });
  });

  it('sends to rooms it does not follow (the lobby) without waiting', async () => {
    const h = harness();
    await connected(h);
    await expect(h.client.send('lobby', 'hello world')).resolves.toMatchObject({ room: 'lobby', seq: 1 });
  });

  it('generates distinct clientMsgIds per message and per client', async () => {
    const ids = new Set<string>();
    for (const seed of [0.1, 0.7]) {
      const h = harness({ random: () => seed });
      await connected(h);
      for (let i = 0; i < 3; i += 1) ids.add((await h.client.send('lobby', `m${i}`)).clientMsgId ?? '');
    }
    expect(ids.size).toBe(6);
  });
});

describe('other requests', () => {
  it('reads a page of history as it is, for scrolling back', async () => {
    const h = harness();
    await connected(h);
    await h.client.joinRoom('general', { recent: 0 });
    for (let i = 1; i <= 5; i += 1) h.server.post('general', 'bob', `m${i}`);
    const page = await h.client.history({ room: 'general' }, { before: 4, limit: 2 });
    expect(page.messages.map((m) => m.seq)).toEqual([2, 3]);
    expect(page.hasMore).toBe(true);
  });

  it('answers ping with the server time', async () => {
    const h = harness();
    await connected(h);
    await expect(h.client.ping()).resolves.toMatchObject({ type: 'pong' });
  });

  it('reports error frames that answer no request', async () => {
    const h = harness();
    const errors: string[] = [];
    h.client.on('error', (event) => errors.push(event.code));
    await connected(h);
    h.server.last.push({ type: 'error', code: 'invalid_json', message: 'not JSON' });
    h.server.last.push({ type: 'error', code: 'internal_error', message: 'x', requestId: 'unknown' });
    await settle();
    expect(errors).toEqual(['invalid_json', 'internal_error']);
  });

  it('passes every frame on, including kinds it does not model', async () => {
    const h = harness();
    const kinds: unknown[] = [];
    h.client.on('frame', (frame) => kinds.push(frame['type']));
    await connected(h);
    h.server.last.push({ type: 'notice', text: 'maintenance at noon' });
    await settle();
    expect(kinds).toContain('notice');
  });
});

describe('the rate limit', () => {
  const limitFirst = (h: ReturnType<typeof harness>, times: number, action: string) => {
    let refused = 0;
    h.server.intercept = (socket, frame) => {
      if (frame['action'] !== action || refused >= times) return false;
      refused += 1;
      socket.push({
        type: 'error',
        code: 'rate_limited',
        message: 'slow down',
        requestId: frame['requestId'],
        details: { retryAfterMs: 200 },
      });
      return true;
    };
    return () => refused;
  };

  it('writes a refused frame again after the wait the service asks for', async () => {
    const h = harness();
    await connected(h);
    await h.client.joinRoom('general');
    const refused = limitFirst(h, 2, 'sendMessage');

    const sending = h.client.send('general', 'patience');
    await settle();
    expect(h.server.last.sent.filter((f) => f['action'] === 'sendMessage')).toHaveLength(1);
    // random() = 0.5: 200 ms plus an eighth of it.
    await h.clock.advanceAndSettle(224);
    expect(h.server.last.sent.filter((f) => f['action'] === 'sendMessage')).toHaveLength(1);
    await h.clock.advanceAndSettle(1);
    await h.clock.advanceAndSettle(225);

    await expect(sending).resolves.toMatchObject({ seq: 1, duplicate: false });
    expect(refused()).toBe(2);
    expect(h.messages).toEqual(['general:1:patience']);
  });

  it('gives up with rate_limited after repeated refusals', async () => {
    const h = harness();
    await connected(h);
    limitFirst(h, 100, 'ping');
    const pinging = h.client.ping().catch((e: unknown) => e);
    await h.clock.advanceAndSettle(10_000);
    expect(await pinging).toMatchObject({ code: 'rate_limited', details: { retryAfterMs: 200 } });
  });

  it('keeps following a room whose rejoin was rate limited', async () => {
    const h = harness();
    await connected(h);
    await h.client.joinRoom('general');
    h.server.last.drop();
    limitFirst(h, 1, 'join');
    await h.clock.advanceAndSettle(100);
    await h.clock.advanceAndSettle(300);
    expect(h.client.joinedRooms()).toEqual(['general']);
    expect(h.client.state).toBe('open');
    expect(h.server.last.rooms.has('general')).toBe(true);
  });
});
