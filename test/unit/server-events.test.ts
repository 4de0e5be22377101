// Unit: the protocol's server events built from stored entries (what a message, a tombstone and its
// reactions look like to clients) and the guards that tell a room's entries from other events.

import { describe, expect, it } from '@jest/globals';
import {
  directConversation,
  isAmendment,
  isRoomEntry,
  isRoomMessage,
  roomConversation,
  toMessageEvent,
  type ServerEvent,
  type StoredMessage,
} from '../../src/domain/index.js';

const ada = { userId: 'ada', displayName: 'Ada' };
const bob = { userId: 'bob', displayName: 'Bob' };

function stored(overrides: Partial<StoredMessage> = {}): StoredMessage {
  return {
    conversation: roomConversation('lobby'),
    messageId: 'm-1',
    from: ada,
    text: 'hello',
    sentAt: 1_000,
    expiresAt: 9_000,
    seq: 1,
    ...overrides,
  };
}

describe('toMessageEvent', () => {
  it('shows a message without the fields it does not have', () => {
    expect(toMessageEvent(stored())).toStrictEqual({
      type: 'message',
      room: 'lobby',
      seq: 1,
      messageId: 'm-1',
      from: ada,
      text: 'hello',
      sentAt: 1_000,
    });
  });

  it('shows a deleted message as a tombstone with when it was deleted and none of its reactions', () => {
    const event = toMessageEvent(stored({ text: '', deletedAt: 2_000, reactions: { '👍': 2 } }));
    expect(event).toStrictEqual({
      type: 'message',
      room: 'lobby',
      seq: 1,
      messageId: 'm-1',
      from: ada,
      text: '',
      sentAt: 1_000,
      deletedAt: 2_000,
    });
  });

  it('leaves out reactions whose counts are all zero', () => {
    expect(toMessageEvent(stored({ reactions: { '👍': 0 } }))).not.toHaveProperty('reactions');
  });

  it('marks reactions as the reader’s only when the reader is known', () => {
    const reactions = { '👍': 2, '🎉': 1 };
    expect(toMessageEvent(stored({ reactions }))).toMatchObject({
      reactions: [
        { reaction: '👍', count: 2 },
        { reaction: '🎉', count: 1 },
      ],
    });
    const forAll = toMessageEvent(stored({ reactions }));
    const summaries = 'reactions' in forAll ? (forAll.reactions ?? []) : [];
    expect(summaries).toHaveLength(2);
    for (const summary of summaries) expect(summary).not.toHaveProperty('mine');
    expect(toMessageEvent(stored({ reactions, myReactions: ['🎉'] }))).toMatchObject({
      reactions: [
        { reaction: '👍', count: 2, mine: false },
        { reaction: '🎉', count: 1, mine: true },
      ],
    });
  });

  it('addresses a direct message without a stored recipient to the user who did not send it', () => {
    const conversation = directConversation('ada', 'bob');
    expect(toMessageEvent(stored({ conversation, from: ada }))).toMatchObject({ type: 'direct', to: 'bob' });
    expect(toMessageEvent(stored({ conversation, from: bob }))).toMatchObject({ type: 'direct', to: 'ada' });
  });
});

describe('event guards', () => {
  const message = toMessageEvent(stored());
  const direct = toMessageEvent(stored({ conversation: directConversation('ada', 'bob'), to: 'bob' }));
  const roomEdit = toMessageEvent(stored({ seq: 2, amends: { kind: 'edit', target: 1 } }));
  const roomDelete = toMessageEvent(stored({ seq: 3, amends: { kind: 'delete', target: 1 } }));
  const directEdit = toMessageEvent(
    stored({ conversation: directConversation('ada', 'bob'), seq: 2, amends: { kind: 'edit', target: 1 } }),
  );
  const pong: ServerEvent = { type: 'pong', serverTime: 5_000 };

  it('tells a room message from every other event', () => {
    expect([message, direct, roomEdit, pong].map(isRoomMessage)).toEqual([true, false, false, false]);
  });

  it('counts edits and deletes, in rooms or direct conversations, as amendments and nothing else', () => {
    expect([roomEdit, roomDelete, directEdit, message, direct, pong].map(isAmendment)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('counts a room’s messages, edits and deletes as its entries, not direct ones or other events', () => {
    expect([message, roomEdit, roomDelete, direct, directEdit, pong].map(isRoomEntry)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
