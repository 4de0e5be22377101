// Unit: read markers and unread counts, per user across their connections, for rooms and direct
// conversations.

import { describe, expect, it } from '@jest/globals';
import { parseClientAction, READ_MARKER_TTL_MS } from '../../src/domain/index.js';
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
});
