// Unit: read markers and unread counts, per user across their connections, for rooms and direct
// conversations.

import { describe, expect, it } from '@jest/globals';
import {
  directConversation,
  MarkRead,
  MAX_UNREAD_CONVERSATIONS,
  parseClientAction,
  READ_MARKER_TTL_MS,
  type FanOutPort,
} from '../../src/domain/index.js';
import { chatHarness, type ChatHarness } from '../support/chat-harness.js';

async function say(
  h: ChatHarness,
  caller: Awaited<ReturnType<ChatHarness['connect']>>,
  room: string,
  n: number,
) {
  for (let i = 0; i < n; i += 1) {
    await h.chat.sendMessage.execute(caller, { action: 'sendMessage', room, text: `m${i}` });
  }
}

describe('markRead', () => {
  it('moves the marker forward only, answers with the read state and tells the user’s other connections', async () => {
    const h = chatHarness();
    const phone = await h.connect('ada', 'c-phone');
    await h.connect('ada', 'c-laptop');
    const bob = await h.connect('bob', 'c-bob');
    await say(h, bob, 'lobby', 5);
    h.notifier.clear();

    const marked = await h.chat.markRead.execute(phone, {
      action: 'markRead',
      target: { room: 'lobby' },
      seq: 3,
      requestId: 'r1',
    });

    const state = { type: 'read_marker', room: 'lobby', readSeq: 3, lastSeq: 5, unread: 2 };
    expect(marked).toEqual(state);
    expect(h.notifier.ofType('c-phone', 'read_marker')).toEqual([{ ...state, requestId: 'r1' }]);
    expect(h.notifier.ofType('c-laptop', 'read_marker')).toEqual([state]);
    expect(h.notifier.ofType('c-bob', 'read_marker')).toEqual([]);

    const back = await h.chat.markRead.execute(phone, {
      action: 'markRead',
      target: { room: 'lobby' },
      seq: 1,
    });
    expect(back).toMatchObject({ readSeq: 3, unread: 2 });
  });

  it('stops at the last message, and is for members of the room only', async () => {
    const h = chatHarness();
    const ada = await h.connect('ada', 'c-ada');
    await say(h, ada, 'lobby', 2);

    const past = await h.chat.markRead.execute(ada, {
      action: 'markRead',
      target: { room: 'lobby' },
      seq: 99,
    });
    expect(past).toMatchObject({ readSeq: 2, lastSeq: 2, unread: 0 });
    await say(h, ada, 'lobby', 1);
    const joined = await h.chat.join.execute(ada, { action: 'join', room: 'lobby' });
    expect(joined).toMatchObject({ readSeq: 2, lastSeq: 3, unread: 1 });
    await expect(
      h.chat.markRead.execute(ada, { action: 'markRead', target: { room: 'elsewhere' }, seq: 1 }),
    ).rejects.toMatchObject({ code: 'not_a_member' });
  });

  it('is forgotten once unmoved for longer than the marker lifetime', async () => {
    const h = chatHarness();
    const ada = await h.connect('ada', 'c-ada');
    await say(h, ada, 'lobby', 2);
    await h.chat.markRead.execute(ada, { action: 'markRead', target: { room: 'lobby' }, seq: 2 });
    h.clock.advance(READ_MARKER_TTL_MS);

    expect(await h.readMarkers.readSeq('ada', { kind: 'room', room: 'lobby' })).toBe(0);
  });

  it('is kept for 90 days after it last moved, and no longer', async () => {
    const h = chatHarness();
    const ada = await h.connect('ada', 'c-ada');
    await say(h, ada, 'lobby', 2);
    await h.chat.markRead.execute(ada, { action: 'markRead', target: { room: 'lobby' }, seq: 2 });
    const day = 24 * 60 * 60 * 1000;

    h.clock.advance(90 * day - 1);
    expect(await h.readMarkers.readSeq('ada', { kind: 'room', room: 'lobby' })).toBe(2);
    h.clock.advance(1);
    expect(await h.readMarkers.readSeq('ada', { kind: 'room', room: 'lobby' })).toBe(0);
  });

  it('parses a room or a peer and a sequence number, refusing anything else by field', () => {
    expect(parseClientAction({ action: 'markRead', with: 'bob', seq: 4 })).toEqual({
      action: 'markRead',
      target: { with: 'bob' },
      seq: 4,
      requestId: undefined,
    });
    const refused = [
      [{ room: 'a', with: 'b', seq: 1 }, 'room'],
      [{ seq: 1 }, 'room'],
      [{ room: 'a' }, 'seq'],
      [{ room: 'a', seq: -1 }, 'seq'],
      [{ room: 'a', seq: 1.5 }, 'seq'],
    ] as const;
    for (const [body, field] of refused) {
      expect(() => parseClientAction({ action: 'markRead', ...body })).toThrow(
        expect.objectContaining({ code: 'invalid_request', details: { field } }),
      );
    }
  });

  it('still answers when the other connections cannot be told, and logs why', async () => {
    const h = chatHarness();
    const ada = await h.connect('ada', 'c-ada');
    await h.connect('ada', 'c-ada-2');
    await say(h, ada, 'lobby', 2);
    const failure = new Error('fan-out unavailable');
    const broken: FanOutPort = {
      toRoom: async () => Promise.reject(failure),
      toConnections: async () => Promise.reject(failure),
      toEveryone: async () => Promise.reject(failure),
    };
    const markRead = new MarkRead({ ...h, fanOut: broken });

    const state = await markRead.execute(ada, { action: 'markRead', target: { room: 'lobby' }, seq: 2 });

    expect(state).toEqual({ type: 'read_marker', room: 'lobby', readSeq: 2, lastSeq: 2, unread: 0 });
    expect(h.notifier.ofType('c-ada', 'read_marker')).toEqual([{ ...state, requestId: undefined }]);
    expect(await h.readMarkers.readSeq('ada', { kind: 'room', room: 'lobby' })).toBe(2);
    expect(h.logger.withMessage('read marker not passed on')).toEqual([
      { level: 'warn', message: 'read marker not passed on', fields: { error: failure } },
    ]);
  });
});

describe('unread', () => {
  it('lists joined rooms and direct conversations that reached the user, most unread first', async () => {
    const h = chatHarness();
    const ada = await h.connect('ada', 'c-ada');
    const bob = await h.connect('bob', 'c-bob');
    await h.chat.join.execute(ada, { action: 'join', room: 'design' });
    await h.chat.join.execute(bob, { action: 'join', room: 'design' });
    await say(h, bob, 'design', 3);
    await say(h, bob, 'lobby', 1);
    for (const text of ['hi', 'there']) {
      await h.chat.sendDirect.execute(bob, { action: 'sendDirect', to: 'ada', text });
    }
    await h.chat.markRead.execute(ada, { action: 'markRead', target: { room: 'design' }, seq: 1 });

    const unread = await h.chat.unread.execute(ada, { action: 'unread', requestId: 'u' });

    expect(unread).toEqual({
      type: 'unread',
      requestId: 'u',
      truncated: false,
      conversations: [
        { room: 'design', readSeq: 1, lastSeq: 3, unread: 2 },
        { with: 'bob', readSeq: 0, lastSeq: 2, unread: 2 },
        { room: 'lobby', readSeq: 0, lastSeq: 1, unread: 1 },
      ],
    });
    // The sender has read their own direct messages.
    const mine = await h.chat.unread.execute(bob, { action: 'unread' });
    expect(mine.conversations).toContainEqual({ with: 'ada', readSeq: 2, lastSeq: 2, unread: 0 });
  });

  it('lists a backend’s message to the user as a conversation with system', async () => {
    const h = chatHarness();
    const ada = await h.connect('ada', 'c-ada');
    await h.chat.backend.publish.toUser('ada', { text: 'Your report is ready' });

    const unread = await h.chat.unread.execute(ada, { action: 'unread' });

    expect(unread.conversations).toContainEqual({ with: 'system', readSeq: 0, lastSeq: 1, unread: 1 });
  });

  it('breaks ties in unread by name: rooms first, each kind in alphabetical order', async () => {
    const h = chatHarness();
    const ada = await h.connect('ada', 'c-ada');
    const expiresAt = h.clock.now() + READ_MARKER_TTL_MS;
    // Followed in an order that is not the answer's: markers first (zed before bob), then the rooms
    // in the order they were joined.
    await h.readMarkers.track('ada', directConversation('ada', 'zed'), expiresAt);
    await h.readMarkers.track('ada', directConversation('ada', 'bob'), expiresAt);
    await h.chat.join.execute(ada, { action: 'join', room: 'zulu' });
    await h.chat.join.execute(ada, { action: 'join', room: 'alpha' });

    const unread = await h.chat.unread.execute(ada, { action: 'unread' });

    expect(
      unread.conversations.map((entry) => ('room' in entry ? entry.room : `with ${entry.with}`)),
    ).toEqual(['alpha', 'lobby', 'zulu', 'with bob', 'with zed']);
  });

  it(`lists at most ${MAX_UNREAD_CONVERSATIONS} conversations and says when there were more`, async () => {
    const h = chatHarness();
    const ada = await h.connect('ada', 'c-ada');
    const expiresAt = h.clock.now() + READ_MARKER_TTL_MS;
    // With the lobby, exactly the most one answer lists.
    for (let i = 0; i < MAX_UNREAD_CONVERSATIONS - 1; i += 1) {
      await h.readMarkers.track(
        'ada',
        directConversation('ada', `u${String(i).padStart(3, '0')}`),
        expiresAt,
      );
    }

    const full = await h.chat.unread.execute(ada, { action: 'unread' });
    expect([full.conversations.length, full.truncated]).toEqual([MAX_UNREAD_CONVERSATIONS, false]);

    await h.readMarkers.track('ada', directConversation('ada', 'u999'), expiresAt);
    const over = await h.chat.unread.execute(ada, { action: 'unread' });
    expect([over.conversations.length, over.truncated]).toEqual([MAX_UNREAD_CONVERSATIONS, true]);
  });

  it('counts a note to oneself as read, with one write to the read markers', async () => {
    const h = chatHarness();
    const ada = await h.connect('ada', 'c-ada');
    const writes: string[] = [];
    const { markRead, track } = h.readMarkers;
    h.readMarkers.markRead = async (...args) => {
      writes.push('markRead');
      return markRead.apply(h.readMarkers, args);
    };
    h.readMarkers.track = async (...args) => {
      writes.push('track');
      return track.apply(h.readMarkers, args);
    };

    await h.chat.sendDirect.execute(ada, { action: 'sendDirect', to: 'ada', text: 'remember the milk' });

    expect(writes).toEqual(['markRead']);
    const unread = await h.chat.unread.execute(ada, { action: 'unread' });
    expect(unread.conversations).toContainEqual({ with: 'ada', readSeq: 1, lastSeq: 1, unread: 0 });
  });

  it('delivers a direct message whose read state cannot be stored, and logs why', async () => {
    const h = chatHarness();
    const ada = await h.connect('ada', 'c-ada');
    await h.connect('bob', 'c-bob');
    const failure = new Error('read markers unavailable');
    h.readMarkers.track = async () => Promise.reject(failure);

    const sent = await h.chat.sendDirect.execute(ada, { action: 'sendDirect', to: 'bob', text: 'hi' });

    expect(sent.fanOut).toMatchObject({ delivered: 1 });
    expect(h.notifier.ofType('c-bob', 'direct')).toHaveLength(1);
    expect(h.logger.withMessage('read state not updated after a direct message')).toEqual([
      {
        level: 'warn',
        message: 'read state not updated after a direct message',
        fields: { error: failure },
      },
    ]);
  });
});
