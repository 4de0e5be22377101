// Unit: edits and deletes. Each takes its own place in the conversation's sequence, changes the stored
// message (a delete removes its text, the text of its edits too), and reaches everyone in the
// conversation; only the sender may change a message, and a refused change draws no number.

import { describe, expect, it } from '@jest/globals';
import {
  ChatError,
  directConversation,
  encodedSize,
  roomConversation,
  type ChatPolicy,
} from '../../src/domain/index.js';
import { chatHarness } from '../support/chat-harness.js';

const ada = { userId: 'ada', displayName: 'ada' };

async function room() {
  const h = chatHarness();
  const adaTab = await h.connect('ada', 'c-ada');
  const bob = await h.connect('bob', 'c-bob');
  await h.chat.sendMessage.execute(adaTab, { action: 'sendMessage', room: 'lobby', text: 'helo' });
  h.clock.advance(1_000);
  h.notifier.clear();
  return { h, adaTab, bob };
}

describe('editMessage', () => {
  it('stores the edit as the next entry, answers the sender, tells the whole room and keeps the latest text', async () => {
    const { h, adaTab } = await room();

    const { event } = await h.chat.amend.execute(adaTab, {
      action: 'editMessage',
      target: { room: 'lobby' },
      seq: 1,
      text: 'hello',
      requestId: 'e1',
    });

    const change = {
      type: 'message_updated',
      room: 'lobby',
      seq: 2,
      messageId: expect.any(String),
      target: 1,
      by: ada,
      text: 'hello',
      at: h.clock.now(),
    };
    expect(event).toEqual(change);
    // The answer first, then the change in its place among the room's entries, as every member gets it.
    expect(h.notifier.ofType('c-ada', 'message_updated')).toEqual([{ ...change, requestId: 'e1' }, change]);
    expect(h.notifier.ofType('c-bob', 'message_updated')).toEqual([change]);
    const history = await h.chat.history.execute(adaTab, { action: 'history', target: { room: 'lobby' } });
    expect(history.messages).toEqual([
      expect.objectContaining({ type: 'message', seq: 1, text: 'hello', editedAt: h.clock.now() }),
      change,
    ]);
  });

  it('refuses someone else’s message, a missing one, an edit entry and an overlong text, drawing no number', async () => {
    const { h, adaTab, bob } = await room();
    const edit = (seq: number, text = 'x') =>
      ({ action: 'editMessage', target: { room: 'lobby' }, seq, text }) as const;

    await expect(h.chat.amend.execute(bob, edit(1))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(h.chat.amend.execute(adaTab, edit(7))).rejects.toMatchObject({ code: 'not_found' });
    await h.chat.amend.execute(adaTab, edit(1, 'fixed'));
    await expect(h.chat.amend.execute(adaTab, edit(2))).rejects.toMatchObject({ code: 'not_found' });
    await expect(h.chat.amend.execute(adaTab, edit(1, 'x'.repeat(5_000)))).rejects.toMatchObject({
      code: 'message_too_large',
    });
    await expect(
      h.chat.amend.execute(adaTab, { ...edit(1), target: { room: 'elsewhere' } }),
    ).rejects.toMatchObject({ code: 'not_a_member' });
    expect(await h.messages.latestSeq(roomConversation('lobby'))).toBe(2);
  });
});

describe('the frame an edit travels in', () => {
  /** Ada says something short, then edits it to `text`: the edit's event, or the code of its refusal. */
  async function edit(text: string, policy: Partial<ChatPolicy> = {}) {
    const h = chatHarness(policy);
    const adaTab = await h.connect('ada', 'c-ada');
    await h.chat.sendMessage.execute(adaTab, { action: 'sendMessage', room: 'lobby', text: 'hi' });
    try {
      const { event } = await h.chat.amend.execute(adaTab, {
        action: 'editMessage',
        target: { room: 'lobby' },
        seq: 1,
        text,
      });
      return event;
    } catch (error) {
      if (error instanceof ChatError) return error.code;
      throw error;
    }
  }

  it('is measured as the change event it is, with the largest sequence number', async () => {
    const text = 'x'.repeat(500);
    const free = await edit(text);
    if (typeof free === 'string') throw new Error(`refused: ${free}`);
    const size = encodedSize({ ...free, seq: Number.MAX_SAFE_INTEGER });

    expect(await edit(text, { maxFrameBytes: size })).toMatchObject({ type: 'message_updated', text });
    expect(await edit(text, { maxFrameBytes: size - 1 })).toBe('message_too_large');
  });
});

describe('deleteMessage', () => {
  it('leaves a tombstone with no text anywhere in storage, and cannot be done twice', async () => {
    const { h, adaTab } = await room();
    const handedToStore: string[] = [];
    const { amend } = h.messages;
    h.messages.amend = async (draft) => {
      handedToStore.push(draft.text);
      return amend.call(h.messages, draft);
    };
    await h.chat.amend.execute(adaTab, {
      action: 'editMessage',
      target: { room: 'lobby' },
      seq: 1,
      text: 'secret',
    });

    const { event } = await h.chat.amend.execute(adaTab, {
      action: 'deleteMessage',
      target: { room: 'lobby' },
      seq: 1,
    });

    expect(event).toMatchObject({ type: 'message_deleted', room: 'lobby', seq: 3, target: 1, by: ada });
    expect(h.notifier.ofType('c-bob', 'message_deleted')).toEqual([event]);
    const stored = h.messages.stored(roomConversation('lobby'));
    expect(stored.map((entry) => entry.text)).toEqual(['', '', '']);
    // The delete hands the store no text at all, not only the store that blanks it.
    expect(handedToStore).toEqual(['secret', '']);
    expect(stored[0]).toMatchObject({ deletedAt: h.clock.now() });
    await expect(
      h.chat.amend.execute(adaTab, { action: 'deleteMessage', target: { room: 'lobby' }, seq: 1 }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('works in a direct conversation, reaching both users’ connections', async () => {
    const h = chatHarness();
    const adaTab = await h.connect('ada', 'c-ada');
    await h.connect('ada', 'c-ada-2');
    const bob = await h.connect('bob', 'c-bob');
    await h.chat.sendDirect.execute(adaTab, { action: 'sendDirect', to: 'bob', text: 'oops' });
    h.notifier.clear();

    await expect(
      h.chat.amend.execute(bob, { action: 'deleteMessage', target: { with: 'ada' }, seq: 1 }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    const { event } = await h.chat.amend.execute(adaTab, {
      action: 'deleteMessage',
      target: { with: 'bob' },
      seq: 1,
    });

    expect(event).toMatchObject({ type: 'message_deleted', users: ['ada', 'bob'], seq: 2, target: 1 });
    expect(h.notifier.ofType('c-bob', 'message_deleted')).toEqual([event]);
    expect(h.notifier.ofType('c-ada-2', 'message_deleted')).toEqual([event]);
    expect(h.notifier.ofType('c-ada', 'message_deleted')).toEqual([
      { ...event, requestId: undefined },
      event,
    ]);
    expect(h.messages.stored(directConversation('ada', 'bob'))[0]).toMatchObject({ text: '' });
  });

  it('reaches a client resuming with since, however old the message it changes', async () => {
    const { h, adaTab, bob } = await room();
    for (const text of ['two', 'three']) {
      await h.chat.sendMessage.execute(bob, { action: 'sendMessage', room: 'lobby', text });
    }
    await h.chat.amend.execute(adaTab, { action: 'deleteMessage', target: { room: 'lobby' }, seq: 1 });

    const joined = await h.chat.join.execute(bob, { action: 'join', room: 'lobby', since: 3 });

    expect(joined.missed).toEqual([expect.objectContaining({ type: 'message_deleted', seq: 4, target: 1 })]);
  });
});

describe('moderation by backends', () => {
  it('may edit or delete any message, as system', async () => {
    const { h } = await room();

    const edited = await h.chat.backend.moderate.edit('lobby', 1, { text: '[removed link]' });
    const deleted = await h.chat.backend.moderate.delete('lobby', 1);

    expect(edited.event).toMatchObject({ type: 'message_updated', target: 1, by: { userId: 'system' } });
    expect(deleted.event).toMatchObject({ type: 'message_deleted', seq: 3, target: 1 });
    expect(h.notifier.ofType('c-ada', 'message_deleted')).toEqual([deleted.event]);
    await expect(h.chat.backend.moderate.delete('lobby', 1)).rejects.toMatchObject({ code: 'not_found' });
  });
});
